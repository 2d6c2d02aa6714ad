/** Names of the three bearer credentials of protocol v1, as the spec's security schemes call them. */
export const securitySchemes = {
  enrollmentSecret: {
    type: 'http',
    scheme: 'bearer',
    description: 'The fleet-wide enrollment secret, exchanged once for a per-agent token (REG-1, REG-2).',
  },
  agentToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'Per-agent token from registration (AUTH-1). A token used for another asset_id gets 403 (AUTH-2). Servers store only its hash (AUTH-4).',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'Admin token for the fleet endpoints; agent tokens and anonymous callers are refused (AUTH-3).',
  },
} as const;
