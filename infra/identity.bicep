// The broker's own identity: user-assigned, so it exists before the function app, its roles can be granted before the
// app first starts, and it outlives a re-created app (a Graph admin grants it once).
// https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview#managed-identity-types

@description('Name of the user-assigned managed identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags for the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

// Ids, not secrets: the object id is what a Graph admin grants app roles to, the client id what Graph's site
// permissions and the app's settings name.
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
