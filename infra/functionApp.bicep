// The broker: a Flex Consumption (FC1) plan and a Linux function app on Node 22 that runs as the user-assigned
// identity and reaches storage, its package and Application Insights with it. No setting holds a key.
// https://learn.microsoft.com/azure/azure-functions/flex-consumption-how-to

@description('Name of the function app (and the start of its host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string

@description('Tags for the plan; the app adds azd\'s service tag.')
param tags object

@description('Name of the broker\'s user-assigned managed identity.')
param identityName string

@description('Name of the storage account (host storage, deployment package, session table).')
param storageAccountName string

@description('Blob container the plan deploys the package to.')
param deploymentContainerName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('ALLOWED_DRIVE_IDS: comma-separated drive ids the broker serves; empty = none, * = any.')
param allowedDriveIds string

@description('Origins CORS allows, e.g. https://app.contoso.com; empty = no cross-origin caller.')
param corsAllowedOrigins string[]

@description('Client id of the broker\'s app registration for App Service Authentication; empty = authentication off.')
param authClientId string

@description('Client ids of the applications allowed to call the broker when authentication is on.')
param authAllowedClientApplications string[]

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

var authenticationOn = !empty(authClientId)

// Every setting the broker reads in Azure (shared/config.ts, AZURE_SETTINGS; test/infra.test.ts checks this list
// covers it), then the host's own. AzureWebJobsStorage is identity-based: no connection string, only the service URIs
// the host uses, blobs (keys, timer locks) and tables (diagnostic events); queues serve no trigger this app has.
// https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
var settings = {
  AZURE_CLIENT_ID: identity.properties.clientId
  SESSION_TABLE_ENDPOINT: storage.properties.primaryEndpoints.table
  ALLOWED_DRIVE_IDS: allowedDriveIds
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  // With local authentication off, telemetry is sent with this identity's token, by the host and by the broker.
  // https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
}

// Function keys stay the gate unless App Service Authentication checks every caller's token first: only then may
// the functions run anonymous.
var authenticatedSettings = authenticationOn ? { HTTP_AUTH_LEVEL: 'anonymous' } : {}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd deploys the `broker` service of azure.yaml to the app carrying this tag.
  tags: union(tags, { 'azd-service-name': 'broker' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: corsAllowedOrigins
        // A bearer token is not a CORS credential; cookies are, and the broker uses none.
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 100
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(settings, authenticatedSettings)
}

// No publishing user name and password: azd and the Functions tools deploy with an Entra ID token.
// https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service Authentication for Entra ID: the platform checks the caller's token before any function runs, answers
// 401 without one, and 403 to an application not in the allowed list. It needs no client secret: it only validates
// tokens. https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = if (authenticationOn) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: authClientId
        }
        validation: {
          // v1 access tokens carry api://<client id>; v2 tokens carry the client id, which is always accepted.
          allowedAudiences: [
            'api://${authClientId}'
          ]
          defaultAuthorizationPolicy: {
            allowedApplications: authAllowedClientApplications
          }
        }
      }
    }
  }
}

output url string = 'https://${app.properties.defaultHostName}'
