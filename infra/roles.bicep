// What the broker's identity may do, each role on the narrowest scope that works, by the built-in role's GUID
// (names can be renamed; GUIDs are the same in every tenant):
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
//
// - Storage Blob Data Owner, on the account: the Functions host keeps its keys and timer locks in blobs and creates
//   their containers itself, so a container scope is not enough; the same role lets the plan read the deployment
//   package. https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
// - Storage Table Data Contributor, on the account: the broker's sessions, operations, keys and workbook leases, in a
//   table it creates on first use, and the host's diagnostic-event tables (a new one each month).
// - Monitoring Metrics Publisher, on the Application Insights component only: how the host and the broker send
//   telemetry once local authentication is off.
// - No Storage Queue Data Contributor: queues serve blob triggers, Durable Functions and queue bindings, and this app
//   has only HTTP and timer triggers, whose host needs are blobs alone (same page, "host only" and "Timer trigger").

@description('Name of the broker\'s user-assigned managed identity.')
param identityName string

@description('Name of the storage account.')
param storageAccountName string

@description('Name of the Application Insights component.')
param appInsightsName string

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: identity.properties.principalId
    // Said here so that a just-created identity is not looked up in a directory that has not seen it yet.
    principalType: 'ServicePrincipal'
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
