// Object identifiers the openssl command knows, with OpenSSL's short and long names.
// Only what certificates for a TLS lab use; unknown OIDs print as dotted numbers, as
// OpenSSL prints them.

export interface NameAttributeType {
  oid: string;
  /** Short name as in "CN = etcd". */
  short: string;
  /** Long name accepted in config files ("commonName"). */
  long: string;
  /** ASN.1 string type OpenSSL uses under string_mask = utf8only. */
  tag: 'utf8' | 'printable' | 'ia5';
}

export const NAME_ATTRIBUTES: NameAttributeType[] = [
  { oid: '2.5.4.3', short: 'CN', long: 'commonName', tag: 'utf8' },
  { oid: '2.5.4.6', short: 'C', long: 'countryName', tag: 'printable' },
  { oid: '2.5.4.7', short: 'L', long: 'localityName', tag: 'utf8' },
  { oid: '2.5.4.8', short: 'ST', long: 'stateOrProvinceName', tag: 'utf8' },
  { oid: '2.5.4.9', short: 'street', long: 'streetAddress', tag: 'utf8' },
  { oid: '2.5.4.10', short: 'O', long: 'organizationName', tag: 'utf8' },
  { oid: '2.5.4.11', short: 'OU', long: 'organizationalUnitName', tag: 'utf8' },
  { oid: '2.5.4.5', short: 'serialNumber', long: 'serialNumber', tag: 'printable' },
  { oid: '2.5.4.4', short: 'SN', long: 'surname', tag: 'utf8' },
  { oid: '2.5.4.42', short: 'GN', long: 'givenName', tag: 'utf8' },
  { oid: '2.5.4.12', short: 'title', long: 'title', tag: 'utf8' },
  { oid: '2.5.4.46', short: 'dnQualifier', long: 'dnQualifier', tag: 'printable' },
  { oid: '0.9.2342.19200300.100.1.25', short: 'DC', long: 'domainComponent', tag: 'ia5' },
  { oid: '0.9.2342.19200300.100.1.1', short: 'UID', long: 'userId', tag: 'utf8' },
  { oid: '1.2.840.113549.1.9.1', short: 'emailAddress', long: 'emailAddress', tag: 'ia5' },
];

/** Finds an attribute type by short or long name (OpenSSL's lookup is case-sensitive). */
export function nameAttributeByName(name: string): NameAttributeType | undefined {
  return NAME_ATTRIBUTES.find((a) => a.short === name || a.long === name);
}

export function nameAttributeByOid(oid: string): NameAttributeType | undefined {
  return NAME_ATTRIBUTES.find((a) => a.oid === oid);
}

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  sha1WithRSA: '1.2.840.113549.1.1.5',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  extensionRequest: '1.2.840.113549.1.9.14',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
} as const;

export interface SignatureAlgorithm {
  oid: string;
  /** Name in -text output ("sha256WithRSAEncryption"). */
  name: string;
  /** Hash for node:crypto; undefined for Ed25519. */
  hash: 'sha1' | 'sha256' | 'sha384' | 'sha512' | undefined;
  /** The algorithm ASN.1 has an explicit NULL parameter (RSA) or none (ECDSA, EdDSA). */
  nullParams: boolean;
  /** s_client's "sigalg: RSA-SHA256". */
  shortName: string;
}

export const SIGNATURE_ALGORITHMS: SignatureAlgorithm[] = [
  { oid: OID.sha1WithRSA, name: 'sha1WithRSAEncryption', hash: 'sha1', nullParams: true, shortName: 'RSA-SHA1' },
  { oid: OID.sha256WithRSA, name: 'sha256WithRSAEncryption', hash: 'sha256', nullParams: true, shortName: 'RSA-SHA256' },
  { oid: OID.sha384WithRSA, name: 'sha384WithRSAEncryption', hash: 'sha384', nullParams: true, shortName: 'RSA-SHA384' },
  { oid: OID.sha512WithRSA, name: 'sha512WithRSAEncryption', hash: 'sha512', nullParams: true, shortName: 'RSA-SHA512' },
  { oid: OID.ecdsaWithSHA256, name: 'ecdsa-with-SHA256', hash: 'sha256', nullParams: false, shortName: 'ecdsa-with-SHA256' },
  { oid: OID.ecdsaWithSHA384, name: 'ecdsa-with-SHA384', hash: 'sha384', nullParams: false, shortName: 'ecdsa-with-SHA384' },
  { oid: OID.ecdsaWithSHA512, name: 'ecdsa-with-SHA512', hash: 'sha512', nullParams: false, shortName: 'ecdsa-with-SHA512' },
  { oid: OID.ed25519, name: 'ED25519', hash: undefined, nullParams: false, shortName: 'ED25519' },
];

export function signatureAlgorithmByOid(oid: string): SignatureAlgorithm | undefined {
  return SIGNATURE_ALGORITHMS.find((s) => s.oid === oid);
}

/** Extended key usage purposes: OID, config name, -text name. */
export const EXT_KEY_USAGES: { oid: string; short: string; long: string }[] = [
  { oid: '1.3.6.1.5.5.7.3.1', short: 'serverAuth', long: 'TLS Web Server Authentication' },
  { oid: '1.3.6.1.5.5.7.3.2', short: 'clientAuth', long: 'TLS Web Client Authentication' },
  { oid: '1.3.6.1.5.5.7.3.3', short: 'codeSigning', long: 'Code Signing' },
  { oid: '1.3.6.1.5.5.7.3.4', short: 'emailProtection', long: 'E-mail Protection' },
  { oid: '1.3.6.1.5.5.7.3.8', short: 'timeStamping', long: 'Time Stamping' },
  { oid: '1.3.6.1.5.5.7.3.9', short: 'OCSPSigning', long: 'OCSP Signing' },
  { oid: '2.5.29.37.0', short: 'anyExtendedKeyUsage', long: 'Any Extended Key Usage' },
];

/** keyUsage bits in bit order, with config names and -text names. */
export const KEY_USAGE_BITS: { short: string; long: string }[] = [
  { short: 'digitalSignature', long: 'Digital Signature' },
  { short: 'nonRepudiation', long: 'Non Repudiation' },
  { short: 'keyEncipherment', long: 'Key Encipherment' },
  { short: 'dataEncipherment', long: 'Data Encipherment' },
  { short: 'keyAgreement', long: 'Key Agreement' },
  { short: 'keyCertSign', long: 'Certificate Sign' },
  { short: 'cRLSign', long: 'CRL Sign' },
  { short: 'encipherOnly', long: 'Encipher Only' },
  { short: 'decipherOnly', long: 'Decipher Only' },
];

/** Extension names as config files and -ext spell them, and as -text prints them. */
export const EXTENSION_NAMES: { oid: string; short: string; long: string }[] = [
  { oid: OID.basicConstraints, short: 'basicConstraints', long: 'X509v3 Basic Constraints' },
  { oid: OID.keyUsage, short: 'keyUsage', long: 'X509v3 Key Usage' },
  { oid: OID.extKeyUsage, short: 'extendedKeyUsage', long: 'X509v3 Extended Key Usage' },
  { oid: OID.subjectAltName, short: 'subjectAltName', long: 'X509v3 Subject Alternative Name' },
  { oid: OID.subjectKeyIdentifier, short: 'subjectKeyIdentifier', long: 'X509v3 Subject Key Identifier' },
  { oid: OID.authorityKeyIdentifier, short: 'authorityKeyIdentifier', long: 'X509v3 Authority Key Identifier' },
];

export const CURVES: { oid: string; name: string; nist: string | undefined; nodeName: string; bits: number }[] = [
  { oid: OID.prime256v1, name: 'prime256v1', nist: 'P-256', nodeName: 'prime256v1', bits: 256 },
  { oid: OID.secp384r1, name: 'secp384r1', nist: 'P-384', nodeName: 'secp384r1', bits: 384 },
];
