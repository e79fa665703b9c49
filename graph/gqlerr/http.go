package gqlerr

import (
	"encoding/json"
	"net/http"
)

// WriteHTTP answers, as application/json, a GraphQL response holding one error with code:
// how every request refused before it reaches GraphQL is answered.
func WriteHTTP(w http.ResponseWriter, status int, code Code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": string(code)}}},
	})
}
