// An Azure Monitor query pack with the broker's operator queries. The query texts are the .kql files beside this
// one, read at build time, so the pack and the files cannot drift apart.
//   az deployment group create -g <resource-group> -f ops/querypack.bicep -p name=<pack-name>
// Then open Logs on the broker's Application Insights resource and pick the pack under "Queries".

@description('Name of the query pack.')
param name string = 'workbook-session-broker'

@description('Region of the query pack.')
param location string = resourceGroup().location

var queries = [
  {
    id: 'live-sessions'
    displayName: 'Broker: live sessions'
    description: 'Sessions created and not yet closed, expired or abandoned.'
    body: loadTextContent('queries/live-sessions.kql')
  }
  {
    id: 'session-outcomes'
    displayName: 'Broker: how sessions end'
    description: 'Per day: created, closed by their caller, abandoned and closed by the sweep, expired in Graph.'
    body: loadTextContent('queries/session-outcomes.kql')
  }
  {
    id: 'graph-throttling'
    displayName: 'Broker: Graph throttling'
    description: 'Per hour and Graph call: 429/503 answers, throttling events and the cooldowns Graph asked for.'
    body: loadTextContent('queries/graph-throttling.kql')
  }
  {
    id: 'sweep-health'
    displayName: 'Broker: sweep runs'
    description: 'What each sweep did, how long it took, and whether it finished within its budget.'
    body: loadTextContent('queries/sweep-health.kql')
  }
]

resource pack 'Microsoft.OperationalInsights/queryPacks@2019-09-01' = {
  name: name
  location: location
  properties: {}
}

resource packQueries 'Microsoft.OperationalInsights/queryPacks/queries@2019-09-01' = [for query in queries: {
  parent: pack
  name: guid(pack.id, query.id)
  properties: {
    displayName: query.displayName
    description: query.description
    body: query.body
    related: {
      categories: [ 'applications' ]
      resourceTypes: [ 'microsoft.insights/components' ]
    }
    tags: {
      labels: [ 'workbook-session-broker' ]
    }
  }
}]
