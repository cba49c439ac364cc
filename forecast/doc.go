// Package forecast predicts how many conversations arrive in each interval of the coming weeks, scores that against two baselines on held-out history, and adds the agents each interval needs.
package forecast
