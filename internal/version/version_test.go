package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	rev := "45867be1a2b3c4d5e6f708192a3b4c5d6e7f8091"
	cases := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     Info
	}{
		{"go install @version", "v1.2.3", nil, Info{Module: "v1.2.3", Go: "go1.26.8"}},
		{"git checkout", "v0.0.0-20261207065502-45867be1a2b3", vcs(rev, "false"),
			Info{Module: "v0.0.0-20261207065502-45867be1a2b3", Revision: rev, Go: "go1.26.8"}},
		{"uncommitted changes", "v0.0.0-20261207065502-45867be1a2b3+dirty", vcs(rev, "true"),
			Info{Module: "v0.0.0-20261207065502-45867be1a2b3+dirty", Revision: rev + "-modified", Go: "go1.26.8"}},
		{"no module version", "", nil, Info{Module: "(devel)", Go: "go1.26.8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := fromBuildInfo(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/parley-cx/parley", Version: c.main}, Settings: c.settings})
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
