// Package ent holds the generated data-access code for the domain model in ./schema.
package ent

//go:generate go run entgo.io/ent/cmd/ent generate --feature privacy,entql,sql/upsert,sql/modifier,sql/execquery,sql/lock ./schema
