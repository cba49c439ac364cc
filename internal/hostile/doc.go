// Package hostile holds no code: its tests feed the adversarial corpus in testdata/hostile through import, Kafka ingest, build, report and QA sampling.
package hostile
