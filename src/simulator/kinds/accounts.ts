import { badRequest, type Doc, type KindSpec } from '../types.js';
import { thumbprintOf } from './certificates.js';
import { selfLinks } from './common.js';
import { equalsField, normaliseTenancy, tenancyDefaults, tenancyRefs } from './infra-common.js';
import { keepOnModify } from './project-common.js';

const SECRET = () => ({ HasValue: false, NewValue: null, Hint: null });
const OIDC_SUBJECTS = () => ({ DeploymentSubjectKeys: [], HealthCheckSubjectKeys: [], AccountTestSubjectKeys: [] });
const AZURE = () => ({
  SubscriptionNumber: null,
  AzureEnvironment: '',
  ResourceManagementEndpointBaseUri: '',
  ActiveDirectoryEndpointBaseUri: '',
});

/** Type-specific members with defaults per `AccountType` (API-FACTS §3.18; JSON names from GO `account_resource.go`). */
const ACCOUNT_MEMBERS: Record<string, () => Doc> = {
  None: () => ({}),
  UsernamePassword: () => ({ Username: null, Password: SECRET() }),
  SshKeyPair: () => ({ Username: null, PrivateKeyFile: SECRET(), PrivateKeyPassphrase: SECRET() }),
  Token: () => ({ Token: SECRET() }),
  AzureSubscription: () => ({
    SubscriptionNumber: null,
    CertificateBytes: SECRET(),
    CertificateThumbprint: null,
    AzureEnvironment: '',
    ServiceManagementEndpointBaseUri: '',
    ServiceManagementEndpointSuffix: '',
  }),
  AzureServicePrincipal: () => ({ ...AZURE(), ClientId: null, TenantId: null, Password: SECRET() }),
  AzureOidc: () => ({ ...AZURE(), ClientId: null, TenantId: null, Audience: null, ...OIDC_SUBJECTS() }),
  AmazonWebServicesAccount: () => ({ AccessKey: null, SecretKey: SECRET() }),
  // Role/OIDC variants "add RoleArn, SessionDuration, Audience, …subject keys" (§3.18); exact split unverified.
  AmazonWebServicesRoleAccount: () => ({ AccessKey: null, SecretKey: SECRET(), RoleArn: null, SessionDuration: null }),
  AmazonWebServicesOidcAccount: () => ({ RoleArn: null, SessionDuration: null, Audience: null, ...OIDC_SUBJECTS() }),
  GoogleCloudAccount: () => ({ JsonKey: SECRET() }),
  GenericOidcAccount: () => ({ Audience: null, DeploymentSubjectKeys: [], CustomClaims: {} }),
};

function allTypeMembers(): Doc {
  return Object.assign({}, ...Object.values(ACCOUNT_MEMBERS).map((f) => f()));
}

/** Members computed by the server from a secret it holds. */
const COMPUTED = ['CertificateThumbprint'];

/**
 * Accounts (API-FACTS §3.18), polymorphic on `AccountType` (kept from creation). `defaults()` holds the union of
 * every type's members; `onWrite` drops the members the type does not have. Every secret member is a write-only
 * SensitiveValue (§2.10). Note `TenantId` (Azure AD tenant GUID) is unrelated to `TenantIds` (Octopus tenants).
 */
export const accounts: KindSpec = {
  collection: 'accounts',
  itemType: 'Account',
  idPrefix: 'Accounts',
  scope: 'space',
  required: ['Name', 'AccountType'],
  readOnly: COMPUTED,
  slug: true,
  refs: tenancyRefs,
  sensitive: ['Password', 'PrivateKeyFile', 'PrivateKeyPassphrase', 'Token', 'CertificateBytes', 'SecretKey', 'JsonKey'],
  filters: { accountType: equalsField('AccountType') },
  defaults: () => ({ AccountType: null, Name: null, Slug: null, Description: null, ...tenancyDefaults(), ...allTypeMembers() }),
  onWrite(doc: Doc, prev: Doc | undefined) {
    keepOnModify(doc, prev, 'AccountType');
    const members = ACCOUNT_MEMBERS[doc.AccountType];
    if (!members) throw badRequest(`'${doc.AccountType}' is not a known AccountType. Known types: ${Object.keys(ACCOUNT_MEMBERS).join(', ')}.`);
    const own = members();
    for (const k of Object.keys(allTypeMembers())) if (!(k in own)) delete doc[k];
    const bytes = doc.CertificateBytes;
    const clear = typeof bytes === 'string' ? bytes : bytes?.NewValue;
    if (doc.AccountType === 'AzureSubscription' && typeof clear === 'string' && clear !== '') {
      doc.CertificateThumbprint = thumbprintOf(Buffer.from(clear, 'base64'));
    }
    normaliseTenancy(doc);
  },
  links: (doc, base) =>
    selfLinks(base, 'accounts', doc, {
      // `Usages` verbatim from CS AccountRepository (§3.18).
      Usages: 'usages',
      Web: `/app#/${doc.SpaceId}/infrastructure/accounts/${doc.Id}`,
    }),
};
