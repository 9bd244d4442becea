// curl's progress meter, column for column as curl 7.88 prints it.

/** curl's max5data: a byte count in at most five characters. */
function size5(n: number): string {
  if (n < 100000) return String(n).padStart(5);
  if (n < 10000 * 1024) return `${Math.floor(n / 1024)}k`.padStart(5);
  if (n < 100 * 1024 * 1024) return `${Math.floor(n / 1048576)}.${Math.floor((n % 1048576) / 104858)}M`.padStart(5);
  return `${Math.floor(n / 1048576)}M`.padStart(5);
}

function timeStr(seconds: number): string {
  if (seconds <= 0) return '--:--:--';
  const s = Math.floor(seconds);
  return `${String(Math.floor(s / 3600)).padStart(2)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function meterLine(total: number, got: number, up: number, secs: number): string {
  const pct = (a: number, b: number) => String(b > 0 ? Math.floor((a * 100) / b) : 0).padStart(3);
  const speed = secs > 0 ? Math.floor(got / secs) : got * 1000;
  return `${pct(got, total)} ${size5(total)}  ${pct(got, total)} ${size5(got)}  ${pct(up, up)} ${size5(up)}  ${size5(speed)}  ${size5(0)} --:--:-- ${timeStr(secs)} --:--:-- ${size5(speed)}`;
}

export const METER_HEAD = `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current
                                 Dload  Upload   Total   Spent    Left  Speed
`;
