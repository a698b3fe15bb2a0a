// The whole broker in one resource group: `azd up` provisions this file (azure.yaml) and deploys the code to it.
// Built-in resource types only, no registry modules and no extensions, so it builds offline and every resource is in
// this repository. What it makes, and what a Graph admin still grants by hand: docs/operators.md, "Deploy to Azure".
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment (AZURE_ENV_NAME): names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource (AZURE_LOCATION); it must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('ALLOWED_DRIVE_IDS: comma-separated drive ids the broker serves; empty = none, * = any.')
param allowedDriveIds string = ''

@description('Comma-separated origins allowed to call the broker from a browser, e.g. https://app.contoso.com.')
param corsAllowedOrigins string = ''

@description('Client id of the broker\'s app registration for App Service Authentication; empty = authentication off.')
param authClientId string = ''

@description('Comma-separated client ids of the applications allowed to call the broker when authentication is on; empty = only the broker\'s own registration.')
param authAllowedClientApplications string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
// Every name known before anything is deployed, and handed to each module as such rather than as another module's
// output: what-if can then predict each resource instead of stopping at a value known only at run time.
var names = {
  identity: 'id-broker-${resourceToken}'
  storage: 'st${resourceToken}'
  deploymentContainer: 'app-package-${resourceToken}'
  workspace: 'log-broker-${resourceToken}'
  appInsights: 'appi-broker-${resourceToken}'
  plan: 'plan-broker-${resourceToken}'
  app: 'func-broker-${resourceToken}'
  queryPack: 'pack-broker-${resourceToken}'
}

// A comma-separated parameter (what an azd environment value can hold) as a list without blanks.
func listOf(commaSeparated string) string[] => filter(map(split(commaSeparated, ','), item => trim(item)), item => !empty(item))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: names.deploymentContainer
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    workspaceName: names.workspace
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module roles 'roles.bicep' = {
  name: 'roles'
  scope: group
  dependsOn: [
    identity
    storage
    monitoring
  ]
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    appInsightsName: names.appInsights
  }
}

module functionApp 'functionApp.bicep' = {
  name: 'functionApp'
  scope: group
  // The host reaches its storage with the identity from its first start: the roles come first (and with them the
  // identity, the storage and the monitoring they name).
  dependsOn: [
    roles
  ]
  params: {
    name: names.app
    planName: names.plan
    location: location
    tags: tags
    identityName: names.identity
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
    appInsightsName: names.appInsights
    allowedDriveIds: allowedDriveIds
    corsAllowedOrigins: listOf(corsAllowedOrigins)
    authClientId: authClientId
    authAllowedClientApplications: empty(listOf(authAllowedClientApplications))
      ? [authClientId]
      : listOf(authAllowedClientApplications)
  }
}

// The operator's queries, next to the Application Insights they read.
module queryPack '../ops/querypack.bicep' = {
  name: 'queryPack'
  scope: group
  params: {
    name: names.queryPack
    location: location
  }
}

// azd keeps these in the environment (azd env get-values) and hands them to the postprovision hook. None is a secret:
// names, an address, and the identity's ids, which a Graph admin needs to grant it access.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output BROKER_FUNCTION_APP_NAME string = names.app
output BROKER_URL string = functionApp.outputs.url
output BROKER_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output BROKER_IDENTITY_CLIENT_ID string = identity.outputs.clientId
