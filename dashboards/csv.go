package dashboards

import (
	"bytes"
	"context"
	"encoding/base64"
	"html/template"

	parleyquery "github.com/parley-cx/parley/query"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// csvLink is the CSV download of one query a page drew on the server (the Quality view's
// reviews, the Now page): the bytes `parley sql --format csv -f sql/dashboards/<Query>.sql` prints
// with the same parameters, written by the same function, in a data: URL, so the download needs
// neither a script nor the network.
type csvLink struct {
	Query, File string
	Href        template.URL
}

// csvLinks runs each query with args into its download named <query><suffix>.csv.
func (r *run) csvLinks(ctx context.Context, suffix string, queries []string, args ...any) ([]csvLink, error) {
	out := make([]csvLink, len(queries))
	for i, q := range queries {
		var buf bytes.Buffer
		if err := parleyquery.Write(ctx, r.db, sqlfiles.File("dashboards/"+q+".sql"), parleyquery.FormatCSV, &buf, args...); err != nil {
			return nil, err
		}
		out[i] = csvLink{Query: q, File: q + suffix + ".csv",
			// The URL is built here from base64, which holds no character a URL or HTML reads.
			Href: template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))}
	}
	return out, nil
}
