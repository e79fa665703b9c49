// Package model holds the GraphQL-only types (inputs, payloads, connections) that gqlgen
// generates from schema.graphqls; domain types are bound from ent.
package model
