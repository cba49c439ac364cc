// Package ingest consumes conversation events from Kafka (or JSON lines) and writes them to the Parquet lake exactly once, with a dead-letter store for what breaks the contract.
//
// The lake is the source of truth: every batch is written to temporary
// files, fsynced, renamed into place and the directories fsynced; only then
// is the partition's checkpoint in lake/_offsets advanced and the offset
// committed to Kafka. On assignment a partition resumes from its checkpoint
// and deletes any file past it, so a crash at any point neither loses nor
// duplicates an event. docs/ingest.md describes the protocol.
package ingest
