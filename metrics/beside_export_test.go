package metrics

import (
	"context"
	"log/slog"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
)

// RunSteps runs steps on the built warehouse at path as the metrics stage
// runs them (mode all), for the tests outside the package.
func RunSteps(ctx context.Context, path string, s *config.Config, log *slog.Logger, steps []plan.Step) error {
	db, err := warehouse.Open(path, false)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	suite, err := autoqa.New(s.QA.Auto, &autoqa.Env{Log: log})
	if err != nil {
		return err
	}
	r := &runner{db: db, conn: conn, settings: s, log: log, params: plan.Params(s), suite: suite}
	return r.steps(ctx, steps, "all")
}
