package autoqa

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/client9/gospell"
)

// Dictionaries finds and loads Hunspell dictionaries (NAME.aff and
// NAME.dic) through gospell, a pure-Go reader of Hunspell's format
// (affixes, compounds, case rules): finding one is cheap and done when a
// check is built; loading one (0.2-0.6 s of CPU) happens once, when the
// first word of its language is looked up (and its parse serves the
// process's later builds: see parse), so a dictionary of a language no
// conversation is in costs nothing, the default language's aside: a build
// starts parsing those early, beside its SQL (Suite.Preload). Debian ships the dictionaries as hunspell-en-us,
// hunspell-en-gb, hunspell-de-de, hunspell-fr, hunspell-es, … into
// /usr/share/hunspell.
type Dictionaries struct {
	paths  []string
	mu     sync.Mutex
	byName map[string]*dictionary
}

// dictionary is one dictionary, found or not.
type dictionary struct {
	name     string
	aff, dic string // paths; empty when not found
	digest   string // SHA-256 of the .aff and .dic files
	err      error  // why it cannot be used
	once     sync.Once
	parse    *parse    // set by load
	warned   sync.Once // a parse error is warned of once (spelling.usable)
}

// parse is one parse of a dictionary's files, shared by every build of the
// process that reads the same files with the same content: a process that
// builds again and again (parley run, every run.build_every) parses each
// dictionary once instead of at every build, where the parse was most of
// what the checks cost an incremental build (0.6-0.8 CPU-s and 170 MB of
// allocation for English's two, to check a few conversations).
type parse struct {
	digest string // of the files parsed
	once   sync.Once
	gs     *gospell.GoSpell
	err    error
	// mu serialises lookups: gospell expands a word's affixes into its
	// own maps on first lookup, so it is not safe for concurrent use.
	mu sync.Mutex
}

// parses holds the process's parses by their files' paths; a parse of
// content that has since changed (a new hunspell package) is replaced, so
// at most one parse of each pair of files stays in memory.
var parses = struct {
	sync.Mutex
	byFiles map[string]*parse
}{byFiles: map[string]*parse{}}

// parseOf returns the process's parse of x's files, parsing them if no
// build of the process has, or if their content changed since.
func parseOf(x *dictionary) *parse {
	files := x.aff + "\x00" + x.dic
	parses.Lock()
	p, ok := parses.byFiles[files]
	if !ok || p.digest != x.digest {
		p = &parse{digest: x.digest}
		parses.byFiles[files] = p
	}
	parses.Unlock()
	p.once.Do(func() { p.gs, p.err = gospell.NewGoSpell(x.aff, x.dic) })
	return p
}

// NewDictionaries searches paths, or, when empty, $DICPATH,
// /usr/share/hunspell and /usr/local/share/hunspell.
func NewDictionaries(paths []string) *Dictionaries {
	if len(paths) == 0 {
		paths = gospell.SearchPaths()
	}
	return &Dictionaries{paths: paths, byName: map[string]*dictionary{}}
}

// find returns the dictionary name, looked up in the paths on first use
// and its files hashed, without loading it.
func (d *Dictionaries) find(name string) *dictionary {
	d.mu.Lock()
	defer d.mu.Unlock()
	if x, ok := d.byName[name]; ok {
		return x
	}
	x := &dictionary{name: name}
	d.byName[name] = x
	for _, dir := range d.paths {
		aff, dic := filepath.Join(dir, name+".aff"), filepath.Join(dir, name+".dic")
		if fileExists(aff) && fileExists(dic) {
			x.aff, x.dic = aff, dic
			break
		}
	}
	if x.aff == "" {
		x.err = fmt.Errorf("dictionary %s not found (%s.aff and %s.dic) in %s; on Debian install its hunspell package (hunspell-%s)",
			name, name, name, strings.Join(d.paths, ", "), debianName(name))
		return x
	}
	h := sha256.New()
	for _, p := range []string{x.aff, x.dic} {
		if err := hashFile(h, p); err != nil {
			x.err = fmt.Errorf("dictionary %s: %w", name, err)
			return x
		}
	}
	x.digest = hex.EncodeToString(h.Sum(nil))
	return x
}

// load parses the dictionary once; later calls wait for the first.
func (x *dictionary) load() error {
	x.once.Do(func() {
		if x.err != nil {
			return
		}
		p := parseOf(x)
		if p.err != nil {
			x.err = fmt.Errorf("dictionary %s: load %s: %w", x.name, x.dic, p.err)
			return
		}
		x.parse = p
	})
	return x.err
}

// has reports whether the dictionary has word w (false when it cannot
// be loaded).
func (x *dictionary) has(w string) bool {
	if x.load() != nil {
		return false
	}
	x.parse.mu.Lock()
	defer x.parse.mu.Unlock()
	return x.parse.gs.Spell(w)
}

// Digest identifies every dictionary found so far by name and content, so
// that a build can tell that a dictionary changed since the last one
// (a new hunspell package): "" when none was asked for.
func (d *Dictionaries) Digest() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	names := make([]string, 0, len(d.byName))
	for n := range d.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%s\x00", n, d.byName[n].digest)
	}
	if len(names) == 0 {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func hashFile(w io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	return nil
}

// debianName is the suffix of the Debian package of a dictionary:
// en_US → en-us, fr → fr.
func debianName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", "-"))
}
