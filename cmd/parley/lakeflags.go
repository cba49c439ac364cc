package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
)

// lakeFlags are the flags that say where the lake is: a folder, or a
// bucket and prefix in S3-compatible object storage, with how to reach it.
// Unset, they take parley.yaml's lake section (--config).
type lakeFlags struct {
	lake string
	s3   objstore.Options
}

// lakeFlagHelp is the --lake help of the commands that take a bucket.
const lakeFlagHelp = "lake root: a folder, or s3://bucket/prefix in S3-compatible object storage (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws; default: lake.path of --config)"

func (l *lakeFlags) add(f *pflag.FlagSet) {
	f.StringVar(&l.lake, "lake", "", lakeFlagHelp)
	addS3Flags(f, &l.s3)
}

// addWithConfig registers the lake flags and --config, whose lake section
// fills what they leave unset (fill).
func (l *lakeFlags) addWithConfig(f *pflag.FlagSet, configPath *string) {
	l.add(f)
	f.StringVar(configPath, "config", "", "parley.yaml whose lake section (path, s3) applies when --lake and the --s3-* flags are not given")
}

// printOutcome prints a maintenance command's counts after the verb of
// what it did, or of what it would do on a dry run.
func printOutcome(w io.Writer, dryRun bool, did, would string, st fmt.Stringer) {
	verb := did
	if dryRun {
		verb = would
	}
	fmt.Fprintf(w, "%s: %s\n", verb, st)
}

// addS3Flags registers the flags that say how to reach a bucket.
func addS3Flags(f *pflag.FlagSet, s3 *objstore.Options) {
	f.StringVar(&s3.Endpoint, "s3-endpoint", "", "S3-compatible service for s3:// locations, reached path-style, e.g. https://minio.internal:9000 (default: AWS S3, or lake.s3.endpoint of --config)")
	f.StringVar(&s3.Region, "s3-region", "", "region of the bucket of s3:// locations (default: AWS_REGION, the AWS config file, lake.s3.region of --config, else us-east-1)")
	f.StringVar(&s3.CAFile, "s3-ca", "", "PEM file of certificate authorities to trust for an https --s3-endpoint (AWS_CA_BUNDLE works too; default: lake.s3.ca_file of --config)")
}

// fill takes what the flags left unset from parley.yaml's lake section.
func (l *lakeFlags) fill(settings *config.Config) {
	if l.lake == "" {
		l.lake = settings.Lake.Path
	}
	s := settings.Lake.S3
	if l.s3.Endpoint == "" {
		l.s3.Endpoint = s.Endpoint
	}
	if l.s3.Region == "" {
		l.s3.Region = s.Region
	}
	if l.s3.CAFile == "" {
		l.s3.CAFile = s.CAFile
	}
}

// fillFrom loads --config (if given) for its lake section.
func (l *lakeFlags) fillFrom(configPath string) error {
	if configPath == "" {
		return nil
	}
	settings, err := config.Load(configPath)
	if err != nil {
		return err
	}
	l.fill(settings)
	return nil
}

// bucketCommands names the commands that take a lake in object storage.
const bucketCommands = "ingest, import, compact, erase, retention, build and export"

// folderOnly refuses an s3:// lake for a command that reads or writes a
// lake folder, rather than let it look for a folder named "s3:": it names
// the commands that do take a bucket, and what to do instead.
func folderOnly(command, lake, instead string) error {
	if !objstore.IsURL(lake) {
		return nil
	}
	return usageErrorf("%s: --lake %s: reads a lake folder only (a lake in object storage is taken by %s); %s", command, lake, bucketCommands, instead)
}

// bucket reports whether the lake is in object storage.
func (l *lakeFlags) bucket() bool { return objstore.IsURL(l.lake) }

// lakeFolder checks that --lake names an existing folder. A folder that
// holds no lake while a folder in it does (--lake demo-out for
// demo-out/lake) is refused with the one meant: read as an empty lake, it
// would say "none" for everything. Its errors name the flag; callErrors
// adds the command.
func lakeFolder(root string) error {
	return checkLake(root, false)
}

// lakeTarget checks --lake of a command that writes events into a lake
// folder (import, ingest, run), which creates the folder if it does not
// exist. It refuses a folder that holds other things and no lake (the
// folder above the lake, or one like /usr/share/doc) and a folder inside
// a lake: the events would land where no build of the real lake reads
// them, and an ingest there would read its topic again from the start.
// Its errors name the flag; callErrors adds the command.
func lakeTarget(root string) error {
	if objstore.IsURL(root) {
		return nil
	}
	return checkLake(root, true)
}

// checkLake is lakeFolder, and with writes lakeTarget, for a folder.
func checkLake(root string, writes bool) error {
	if err := insideLake(root); err != nil {
		return err
	}
	fi, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist) && writes:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return usageErrorf("--lake %s does not exist", root)
	case err != nil:
		return usageErrorf("--lake: %w", err)
	case !fi.IsDir():
		return usageErrorf("--lake %s is not a directory", root)
	case lake.Holds(root):
		return nil
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return usageErrorf("--lake: %w", err)
	}
	for _, e := range entries {
		if child := filepath.Join(root, e.Name()); e.IsDir() && lake.Holds(child) {
			return usageErrorf("--lake %s holds no lake, but %s does: did you mean --lake %s?", root, child, child)
		}
	}
	for _, e := range entries {
		if writes && !lake.Own(e.Name()) {
			return usageErrorf("--lake %s holds other things (%s) and no lake: give a new or empty folder, or an existing lake", root, e.Name())
		}
	}
	return nil
}

// insideLake refuses a --lake folder inside a lake (demo-out/lake/events
// for demo-out/lake), naming the lake: a command would read it as an
// empty lake, or write a second lake inside the first.
func insideLake(root string) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return usageErrorf("--lake: %w", err)
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if lake.Holds(dir) {
			return usageErrorf("--lake %s is inside the lake %s: did you mean --lake %s?", root, dir, dir)
		}
		if filepath.Dir(dir) == dir {
			return nil
		}
	}
}
