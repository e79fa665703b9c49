package storage

import (
	"net/url"
	"testing"
)

func TestWithSessionDefaults(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Defaults", "postgres://u@db:5432/app?sslmode=disable", "postgres://u@db:5432/app?binary_parameters=yes&jit=off&sslmode=disable"},
		{"KeptWhenSet", "postgres://u@db:5432/app?jit=on&binary_parameters=no", "postgres://u@db:5432/app?binary_parameters=no&jit=on"},
		{"NoQuery", "postgres://u:secret@db/app", "postgres://u:secret@db/app?binary_parameters=yes&jit=off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := withSessionDefaults(u).String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
