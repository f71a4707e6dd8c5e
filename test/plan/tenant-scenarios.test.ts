import { describe, expect, it } from '@jest/globals';
import { createPlan } from '../../src/plan/planner.js';
import { withDefaults } from '../../src/plan/policy.js';
import { makeSnapshot } from '../helpers/snapshots.js';

/**
 * Planner regressions found by the use-case tests (test/usecases): a main instance feeding an isolated
 * Production instance for a set of tenants, with a project filter, a tenant filter and tenant variables.
 */

const plan = (src: any, dst: any, policy = {}) =>
  createPlan({ source: src, destination: dst, policy: withDefaults(policy), createdAt: '2026-01-01T00:00:00.000Z' });
const op = (p: ReturnType<typeof plan>, id: string) => p.operations.find((o) => o.id === id);

const environments = { Staging: { Name: 'Staging' }, Production: { Name: 'Production' } };
const project = (Name: string, group: string, extra: Record<string, unknown> = {}) => ({ Name, ProjectGroupId: group, LifecycleId: 'Default Lifecycle', ...extra });
const template = (Name: string) => ({ Name, Label: Name, HelpText: null, DefaultValue: null, DisplaySettings: { 'Octopus.ControlType': 'SingleLineText' } });
const common = {
  environments,
  lifecycles: { 'Default Lifecycle': { Name: 'Default Lifecycle', Phases: [] } },
  projectGroups: { Apps: { Name: 'Apps' } },
};

describe('tenants on an isolated instance', () => {
  it('what a tenant or project left out by its own filter refers to is not pulled in', () => {
    const source = makeSnapshot({
      ...common,
      projectGroups: { Apps: { Name: 'Apps' }, Tools: { Name: 'Tools' } },
      tagSets: { Contract: { Name: 'Contract', Tags: [{ Name: 'Gov' }] }, Sales: { Name: 'Sales', Tags: [{ Name: 'Key account' }] } },
      projects: { OctoFX: project('OctoFX', 'Apps'), Tools: project('Tools', 'Tools') },
      tenants: {
        'Gov A': { Name: 'Gov A', TenantTags: ['Contract/Gov'], ProjectEnvironments: { OctoFX: ['Production'], Tools: ['Production'] } },
        Commercial: { Name: 'Commercial', TenantTags: ['Sales/Key account'], ProjectEnvironments: { OctoFX: ['Production'] } },
      },
    });
    const p = plan(source, makeSnapshot({ environments }), { filters: { projects: { include: ['OctoFX'] }, tenants: { include: ['Gov *'] } } });
    // Tools (a project not selected) would bring its group; Commercial (a tenant not included) its tag set.
    expect(p.operations.map((o) => o.id).filter((id) => !id.startsWith('lifecycle/'))).toEqual([
      'projectGroup/Apps',
      'tagSet/Contract',
      'project/OctoFX',
      'tenant/Gov A',
    ]);
    expect(op(p, 'tenant/Gov A')!.decisions).toEqual([{ subject: 'reference', action: 'skip', reason: "project 'Tools' is not on the destination and not synced", reasonCode: 'reference-dropped' }]);
  });

  it('the variables of a skipped tenant are skipped too, saying why', () => {
    const source = makeSnapshot({
      ...common,
      projects: { OctoFX: project('OctoFX', 'Apps', { Templates: [template('Tenant.Site.Url')] }) },
      environments: { ...environments, Test: { Name: 'Test' } },
      tenants: { Sandbox: { Name: 'Sandbox', TenantTags: [], ProjectEnvironments: { OctoFX: ['Test'] } } },
      tenantVariables: { Sandbox: { ProjectVariables: { OctoFX: { Test: { 'Tenant.Site.Url': 'https://sandbox' } } }, LibraryVariables: {} } },
    });
    const p = plan(source, makeSnapshot({ environments }), { tenants: { variables: 'copy' } });
    expect(op(p, 'tenant/Sandbox')).toMatchObject({ action: 'skip' });
    expect(op(p, 'tenantVariables/Sandbox')).toMatchObject({ action: 'skip', reason: "its tenant 'Sandbox' is skipped" });
  });

  it('tenant variables are written after the tenant\'s project links and the templates they fill in', () => {
    const tenantVariables = { Internal: { ProjectVariables: { OctoFX: { Production: { 'Tenant.Site.Url': 'https://internal', 'Tenant.Support.Phone': '555' } } }, LibraryVariables: {} } };
    const source = makeSnapshot({
      ...common,
      projects: { OctoFX: project('OctoFX', 'Apps', { Templates: [template('Tenant.Site.Url'), template('Tenant.Support.Phone')] }) },
      tenants: { Internal: { Name: 'Internal', TenantTags: [], ProjectEnvironments: { OctoFX: ['Production'] } } },
      tenantVariables,
    });
    // A new project: the tenant is created after it, with its link, in one write.
    const first = plan(source, makeSnapshot({ environments }), { tenants: { variables: 'copy' } });
    expect(op(first, 'tenantVariables/Internal')!.dependsOn).toEqual(['project/OctoFX', 'tenant/Internal']);

    // An existing project that gains a template: its update comes first.
    const dest = makeSnapshot({
      ...common,
      projects: { OctoFX: project('OctoFX', 'Apps', { Templates: [template('Tenant.Site.Url')] }) },
      tenants: { Internal: { Name: 'Internal', TenantTags: [], ProjectEnvironments: { OctoFX: ['Production'] } } },
      tenantVariables: { Internal: { ProjectVariables: { OctoFX: { Production: { 'Tenant.Site.Url': 'https://internal' } } }, LibraryVariables: {} } },
    });
    const recurring = plan(source, dest, { tenants: { variables: 'copy' } });
    expect(op(recurring, 'project/OctoFX')).toMatchObject({ action: 'update' });
    expect(op(recurring, 'tenantVariables/Internal')).toMatchObject({ action: 'update', dependsOn: ['project/OctoFX'] });
  });
});
