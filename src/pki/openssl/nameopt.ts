// -nameopt: the styles people use with x509 and req.
import type { NameStyle } from '../name.ts';

export function nameStyleOf(opt: string | undefined): NameStyle {
  if (!opt) return 'oneline';
  const first = opt.split(',')[0]!.trim().toLowerCase();
  if (first === 'rfc2253') return 'rfc2253';
  if (first === 'compat') return 'compat';
  if (first === 'multiline') return 'multiline';
  return 'oneline';
}
