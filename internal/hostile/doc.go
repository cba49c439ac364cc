// Package hostile holds no code: its tests put the pipeline under hostile conditions — the adversarial corpus in testdata/hostile through import, ingest, build, report and QA; builds racing a live ingest; and a long steady-load soak.
package hostile
