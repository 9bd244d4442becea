// `openssl <cmd> -help`: the options this lab's openssl understands, laid out the way
// OpenSSL 3 lays out its summaries (our own descriptions).

type Line = [option: string, description: string];

const HELP: Record<string, { usage: string; sections: [string, Line[]][]; params?: Line[] }> = {
  genrsa: {
    usage: 'genrsa [options] numbits',
    sections: [
      ['General options', [['-help', 'Display this summary']]],
      ['Output options', [['-out outfile', 'Where to write the key (default: standard output)'], ['-passout val', 'Pass phrase source for an encrypted key'], ['-traditional', 'Write the old "RSA PRIVATE KEY" form'], ['-*', 'Encrypt the key with this cipher (-aes256 …)']]],
    ],
    params: [['numbits', 'Size of key in bits (default 2048)']],
  },
  req: {
    usage: 'req [options]',
    sections: [
      ['General options', [['-help', 'Display this summary'], ['-config infile', 'Request template file'], ['-section val', 'Config section to use (default "req")'], ['-batch', 'Use the defaults instead of asking'], ['-verify', 'Check the signature of the request']]],
      ['Certificate options', [['-new', 'New request'], ['-x509', 'Make a self-signed certificate instead of a request'], ['-days +int', 'Days a -x509 certificate is valid (default 30)'], ['-set_serial val', 'Serial number of a -x509 certificate'], ['-subj val', 'Subject, as /type0=value0/type1=value1'], ['-addext val', 'Add an extension, as name=value (repeatable)'], ['-extensions val', 'Extension section for -x509'], ['-reqexts val', 'Extension section for a request'], ['-copy_extensions val', 'With -x509 -in: copy extensions from the request (none, copy, copyall)']]],
      ['Keys and signing', [['-key val', 'Private key to use'], ['-newkey val', 'Make a new key, e.g. rsa:2048, ec, ed25519'], ['-pkeyopt val', 'Key generation option, e.g. ec_paramgen_curve:P-256'], ['-keyout outfile', 'Where to write a new key'], ['-nodes', 'Do not encrypt a new key (same as -noenc)'], ['-noenc', 'Do not encrypt a new key'], ['-passin val', 'Pass phrase source for -key'], ['-passout val', 'Pass phrase source for -keyout'], ['-*', 'Digest to sign with (-sha256, -sha512 …)']]],
      ['Input and output', [['-in infile', 'Request to read'], ['-out outfile', 'Where to write'], ['-outform PEM|DER', 'Output format'], ['-text', 'Print in text form'], ['-noout', 'Do not write the request or certificate'], ['-pubkey', 'Print the public key'], ['-subject', 'Print the subject'], ['-modulus', 'Print the RSA modulus'], ['-nameopt val', 'Name printing style (oneline, RFC2253, compat, multiline)']]],
    ],
  },
  x509: {
    usage: 'x509 [options]',
    sections: [
      ['General options', [['-help', 'Display this summary']]],
      ['Input and output', [['-in infile', 'Certificate (or with -req, request) to read'], ['-req', 'Input is a certificate request; sign it'], ['-out outfile', 'Where to write'], ['-outform PEM|DER', 'Output format'], ['-noout', 'Do not write the certificate']]],
      ['Printing', [['-text', 'Print in text form'], ['-subject', 'Print the subject'], ['-issuer', 'Print the issuer'], ['-dates', 'Print notBefore and notAfter'], ['-startdate', 'Print notBefore'], ['-enddate', 'Print notAfter'], ['-serial', 'Print the serial number'], ['-fingerprint', 'Print the fingerprint (SHA1, or the digest given)'], ['-ext val', 'Print these extensions (comma-separated names)'], ['-pubkey', 'Print the public key'], ['-modulus', 'Print the RSA modulus'], ['-email', 'Print e-mail addresses'], ['-hash', 'Print the subject hash'], ['-issuer_hash', 'Print the issuer hash'], ['-checkend intmax', 'Exit 1 if the certificate expires within this many seconds'], ['-nameopt val', 'Name printing style']]],
      ['Signing', [['-CA infile', 'CA certificate that signs'], ['-CAkey val', "The CA's private key (default: in the -CA file)"], ['-CAserial val', 'Serial number file'], ['-CAcreateserial', 'Create the serial number file when it is missing'], ['-set_serial val', 'Serial number to use'], ['-days +int', 'Days the certificate is valid (default 30)'], ['-extfile infile', 'File with extension sections'], ['-extensions val', 'Extension section to use'], ['-copy_extensions val', 'Copy extensions from the request (none, copy, copyall)'], ['-signkey val', 'Self-sign with this key'], ['-passin val', 'Pass phrase source for the key'], ['-*', 'Digest to sign with (-sha256 …)']]],
    ],
  },
  verify: {
    usage: 'verify [options] [cert...]',
    sections: [
      ['General options', [['-help', 'Display this summary'], ['-show_chain', 'Print the chain that was built']]],
      ['Certificate chain options', [['-CAfile infile', 'A file of trusted certificates'], ['-trusted infile', 'A file of trusted certificates'], ['-untrusted infile', 'A file of untrusted (intermediate) certificates'], ['-purpose val', 'Check the purpose: sslserver, sslclient, any'], ['-verify_hostname val', 'Check the host name against the certificate'], ['-verify_ip val', 'Check the IP address against the certificate'], ['-attime intmax', 'Check at this time (seconds since the epoch)']]],
    ],
    params: [['cert', 'File(s) to verify (standard input when none)']],
  },
  s_client: {
    usage: 's_client [options] [host:port]',
    sections: [
      ['General options', [['-help', 'Display this summary'], ['-connect val', 'host:port to connect to (default localhost:4433)'], ['-servername val', 'Server name to send (SNI)'], ['-noservername', 'Send no server name'], ['-brief', 'Print a short summary only'], ['-quiet', 'No verification trace'], ['-showcerts', 'Print every certificate the server sent'], ['-ign_eof', 'Keep reading after end of input until the server closes']]],
      ['Certificates', [['-CAfile infile', 'Trusted certificates to verify the server with'], ['-cert infile', 'Client certificate'], ['-key val', 'Client private key (default: in the -cert file)'], ['-pass val', 'Pass phrase source for the key'], ['-verify_hostname val', 'Check the server certificate for this host name'], ['-verify_return_error', 'Stop when verification fails']]],
      ['Protocol', [['-tls1_2', 'Only TLS 1.2'], ['-tls1_3', 'Only TLS 1.3']]],
    ],
  },
  rsa: {
    usage: 'rsa [options]',
    sections: [
      ['General options', [['-help', 'Display this summary'], ['-check', 'Check the key is consistent']]],
      ['Input and output', [['-in val', 'Key to read'], ['-inform PEM|DER', 'Input format'], ['-pubin', 'Input is a public key'], ['-passin val', 'Pass phrase source'], ['-out outfile', 'Where to write'], ['-outform PEM|DER', 'Output format'], ['-pubout', 'Write the public key'], ['-noout', 'Do not write the key'], ['-text', 'Print in text form'], ['-modulus', 'Print the modulus'], ['-traditional', 'Write the old "RSA PRIVATE KEY" form'], ['-passout val', 'Pass phrase source for output'], ['-*', 'Encrypt the output with this cipher']]],
    ],
  },
};
HELP['pkey'] = { ...HELP['rsa']!, usage: 'pkey [options]' };

export function helpFor(cmd: string): string | undefined {
  const h = HELP[cmd];
  if (!h) return undefined;
  const all = [...h.sections.flatMap(([, lines]) => lines), ...(h.params ?? [])];
  const width = Math.max(...all.map(([o]) => o.length)) + 2;
  let out = `Usage: ${h.usage}\n`;
  for (const [title, lines] of h.sections) {
    out += `\n${title}:\n`;
    for (const [o, d] of lines) out += ` ${o.padEnd(width)}${d}\n`;
  }
  if (h.params) {
    out += '\nParameters:\n';
    for (const [o, d] of h.params) out += ` ${o.padEnd(width)}${d}\n`;
  }
  return out;
}
