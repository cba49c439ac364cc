// Package version says which Parley is running: the module version and the
// VCS revision the Go toolchain stamped into the binary's build info.
package version

import (
	"runtime/debug"
	"sync"
)

// Info identifies a build of Parley.
type Info struct {
	// Module is the module version: v1.2.3 for `go install …@v1.2.3`, a
	// pseudo-version (v0.0.0-<time>-<revision>, "+dirty" if modified) for a
	// build in a git checkout, "(devel)" where the toolchain knew neither.
	Module string
	// Revision is the VCS commit the binary was built from ("" if unknown),
	// with "-modified" when the working tree had uncommitted changes.
	Revision string
	// Go is the toolchain that built the binary.
	Go string
}

// Get returns the build info of the running binary, read once.
var Get = sync.OnceValue(func() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Info{Module: "(devel)"}
	}
	return fromBuildInfo(bi)
})

// fromBuildInfo picks Parley's version out of bi.
func fromBuildInfo(bi *debug.BuildInfo) Info {
	info := Info{Module: bi.Main.Version, Go: bi.GoVersion}
	if info.Module == "" {
		info.Module = "(devel)" // a test binary, or a build without module info
	}
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && info.Revision != "" {
		info.Revision += "-modified"
	}
	return info
}
