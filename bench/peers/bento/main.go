// Command bento is Bento (github.com/warpstreamlabs/bento) with only the
// components the benchmark's peer stage uses: the kafka_franz input, the
// mapping (Bloblang) processor, parquet_encode and the file output. It is a
// module of its own, so that Parley itself does not depend on Bento; the
// ladder builds it when BENCH_PEERS names bento (bench/cmd/parley-bench).
package main

import (
	"context"

	"github.com/warpstreamlabs/bento/public/service"

	_ "github.com/warpstreamlabs/bento/public/components/io"            // file output
	_ "github.com/warpstreamlabs/bento/public/components/kafka"         // kafka_franz input
	_ "github.com/warpstreamlabs/bento/public/components/pure"          // mapping (Bloblang), batching
	_ "github.com/warpstreamlabs/bento/public/components/pure/extended" // parquet_encode
)

func main() {
	service.RunCLI(context.Background(), service.CLIOptSetBinaryName("bento"), service.CLIOptSetProductName("Bento"))
}
