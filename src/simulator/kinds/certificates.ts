import { createHash, X509Certificate } from 'node:crypto';
import { badRequest, type Doc, type KindSpec, type SimContext } from '../types.js';
import { selfLinks } from './common.js';
import { normaliseTenancy, tenancyDefaults, tenancyRefs } from './infra-common.js';
import { keepOnModify } from './project-common.js';

/** Members the server reads out of the certificate data (API-FACTS §3.19): read-only for clients. */
const COMPUTED = [
  'CertificateDataFormat',
  'Archived',
  'ReplacedBy',
  'SubjectDistinguishedName',
  'SubjectCommonName',
  'SubjectOrganization',
  'IssuerDistinguishedName',
  'IssuerCommonName',
  'IssuerOrganization',
  'SelfSigned',
  'Thumbprint',
  'NotAfter',
  'NotBefore',
  'IsExpired',
  'HasPrivateKey',
  'Version',
  'SerialNumber',
  'SignatureAlgorithmName',
  'SubjectAlternativeNames',
  'CertificateChain',
];

/** SHA-1 of the bytes in upper-case hex: the form of Windows/Octopus thumbprints (§3.19 example). */
export function thumbprintOf(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex').toUpperCase();
}

/** `2026-01-01T00:00:00.000+00:00` (API-FACTS §2.9). */
function octopusDate(d: Date): string {
  return d.toISOString().replace('Z', '+00:00');
}

function rdnValue(dn: string, key: string): string | null {
  const m = new RegExp(`(?:^|\\n|, )${key}=([^\\n,]+)`).exec(dn);
  return m ? m[1] : null;
}

/** Distinguished names as .NET prints them, most specific first: `CN=www.myco.example, O=MyCo, C=US`. */
function dotnetDn(nodeDn: string): string {
  return nodeDn.split('\n').filter(Boolean).reverse().join(', ');
}

/**
 * What the server computes from the uploaded data. PEM and DER certificates are parsed (Node's X509Certificate);
 * anything else is treated as PKCS#12, which Node cannot open: its thumbprint is then a SHA-1 of the uploaded
 * bytes, a stable stand-in (simulator approximation), and the subject comes from the certificate's name.
 */
function inspect(data: string, name: string, now: Date): Doc {
  const text = Buffer.from(data, 'base64').toString('latin1');
  const pem = /-----BEGIN CERTIFICATE-----/.test(data) ? data : /-----BEGIN CERTIFICATE-----/.test(text) ? text : null;
  const der = Buffer.from(data, 'base64');
  let cert: X509Certificate | undefined;
  let format = 'Pkcs12';
  try {
    if (pem) {
      cert = new X509Certificate(pem);
      format = 'Pem';
    } else {
      cert = new X509Certificate(der);
      format = 'Der';
    }
  } catch {
    cert = undefined;
  }
  if (!cert) {
    if (der.length === 0) throw badRequest('The certificate data is empty or not valid base64.');
    return {
      CertificateDataFormat: 'Pkcs12',
      SubjectDistinguishedName: `CN=${name}`,
      SubjectCommonName: name,
      SubjectOrganization: null,
      IssuerDistinguishedName: `CN=${name}`,
      IssuerCommonName: name,
      IssuerOrganization: null,
      SelfSigned: true,
      Thumbprint: thumbprintOf(der),
      NotBefore: octopusDate(now),
      NotAfter: octopusDate(new Date(now.getTime() + 365 * 86400_000)),
      IsExpired: false,
      HasPrivateKey: true,
      SerialNumber: thumbprintOf(der).slice(0, 16),
      SignatureAlgorithmName: 'sha256RSA',
      SubjectAlternativeNames: [],
    };
  }
  const notAfter = new Date(cert.validTo);
  return {
    CertificateDataFormat: format,
    SubjectDistinguishedName: dotnetDn(cert.subject),
    SubjectCommonName: rdnValue(cert.subject, 'CN'),
    SubjectOrganization: rdnValue(cert.subject, 'O'),
    IssuerDistinguishedName: dotnetDn(cert.issuer),
    IssuerCommonName: rdnValue(cert.issuer, 'CN'),
    IssuerOrganization: rdnValue(cert.issuer, 'O'),
    SelfSigned: cert.subject === cert.issuer,
    Thumbprint: cert.fingerprint.replace(/:/g, '').toUpperCase(),
    NotBefore: octopusDate(new Date(cert.validFrom)),
    NotAfter: octopusDate(notAfter),
    IsExpired: notAfter.getTime() < now.getTime(),
    HasPrivateKey: /PRIVATE KEY-----/.test(pem ?? ''),
    SerialNumber: cert.serialNumber,
    SignatureAlgorithmName: 'sha256RSA',
    // .NET's rendering of SAN entries: "DNS Name=www.myco.example" (§3.19 example).
    SubjectAlternativeNames: (cert.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((s) => s.replace(/^DNS:/, 'DNS Name=').replace(/^IP Address:/, 'IP Address=')),
  };
}

/**
 * Certificates (API-FACTS §3.19). `CertificateData` and `Password` are SensitiveValues accepted on create only
 * (WoC; replacing goes through `POST …/{id}/replace`, not modelled) and never returned; the thumbprint, subject,
 * validity and friends are computed from the data and read-only. `Version` is server-owned and +1 per save
 * (§2.11 lists it; its starting value is unverified — 0 as for step templates).
 */
export const certificates: KindSpec = {
  collection: 'certificates',
  itemType: 'Certificate',
  idPrefix: 'Certificates',
  scope: 'space',
  required: ['Name'],
  readOnly: COMPUTED,
  refs: tenancyRefs,
  sensitive: ['CertificateData', 'Password'],
  defaults: () => ({
    Name: null,
    Notes: null,
    CertificateData: { HasValue: false, NewValue: null, Hint: null },
    Password: { HasValue: false, NewValue: null, Hint: null },
    CertificateDataFormat: null,
    Archived: null,
    ReplacedBy: null,
    SubjectDistinguishedName: null,
    SubjectCommonName: null,
    SubjectOrganization: null,
    IssuerDistinguishedName: null,
    IssuerCommonName: null,
    IssuerOrganization: null,
    SelfSigned: false,
    Thumbprint: null,
    NotAfter: null,
    NotBefore: null,
    IsExpired: false,
    HasPrivateKey: false,
    Version: 0,
    SerialNumber: null,
    SignatureAlgorithmName: null,
    SubjectAlternativeNames: [],
    CertificateChain: [],
    ...tenancyDefaults(),
  }),
  onWrite(doc: Doc, prev: Doc | undefined, ctx: SimContext) {
    normaliseTenancy(doc);
    if (prev) {
      keepOnModify(doc, prev, 'CertificateData', 'Password');
      doc.Version = (prev.Version ?? 0) + 1;
      return;
    }
    const data = doc.CertificateData;
    const clear = typeof data === 'string' ? data : data?.NewValue;
    if (typeof clear !== 'string' || clear === '') throw badRequest('The CertificateData field is required.');
    Object.assign(doc, inspect(clear, doc.Name, new Date(ctx.now())));
    doc.Version = 0;
  },
  links: (doc, base) =>
    selfLinks(base, 'certificates', doc, {
      Export: 'export',
      Usages: 'usages',
      Archive: 'archive',
      Unarchive: 'unarchive',
      Replace: 'replace',
      Web: `/app#/${doc.SpaceId}/library/certificates/${doc.Id}`,
    }),
};
