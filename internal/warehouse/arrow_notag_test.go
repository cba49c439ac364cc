//go:build !duckdb_arrow

package warehouse

// tagPaths is empty without the duckdb_arrow tag: go-duckdb's Arrow API is
// not compiled (arrow_goduckdb_test.go).
var tagPaths []benchPath
