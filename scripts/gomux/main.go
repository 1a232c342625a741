// Command gomux times streams of a Go multiplexer (hashicorp/yamux or xtaci/smux) over one
// loopback TCP connection against as many raw TCP connections, round by round, printing lines
// in the form of `ministreaming bench`, so that scripts/RatiosByState.java sorts its rounds by
// the machine's state. Not part of the build; docs/benchmarks.md says how to install what it
// needs and run it.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run scripts/gomux/main.go -mux yamux -rounds 3
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/hashicorp/yamux"
	"github.com/xtaci/smux"
)

const period = 1 << 20

var (
	mux    = flag.String("mux", "yamux", "the multiplexer: yamux or smux")
	size   = flag.Int64("size", 1<<30, "bytes per transfer")
	chunk  = flag.Int("chunk", 64<<10, "bytes per write and the largest read")
	rounds = flag.Int("rounds", 3, "timed rounds, each the multiplexer and raw TCP, the order alternating")
	warmup = flag.Int64("warmup", 256<<20, "bytes sent over each path before the rounds")
	count  = flag.Int("streams", 1, "concurrent streams, each sending its share: over one session, or as many raw TCP connections")
	window = flag.Int("window", 0, "the stream window in bytes (yamux MaxStreamWindowSize, smux MaxStreamBuffer); 0: the library's default")
)

// A pair of connected streams: what the sender writes and what the receiver reads.
type pair struct {
	send    io.Writer
	receive io.Reader
}

// The pairs of one transfer, and what closes them all.
type streams struct {
	pairs []pair
	close func()
}

func main() {
	flag.Parse()
	if *mux != "yamux" && *mux != "smux" {
		fail(fmt.Errorf("-mux must be yamux or smux, not %q", *mux))
	}
	data := make([]byte, period+*chunk)
	rand.New(rand.NewSource(12)).Read(data[:period])
	copy(data[period:], data[:*chunk])
	if *count < 1 || *size%int64(*count) != 0 || *warmup%int64(*count) != 0 {
		fail(fmt.Errorf("-streams must be at least 1 and divide -size and -warmup"))
	}
	fmt.Printf("%s (%s) against raw TCP, %d stream(s) over 127.0.0.1, %d-byte writes, GOMAXPROCS default\n", *mux, windowName(), *count, *chunk)
	for _, path := range []string{*mux, "raw TCP"} {
		run(path, *warmup, data)
	}
	for round := 1; round <= *rounds; round++ {
		fmt.Printf("Round %d of %d:\n", round, *rounds)
		order := []string{*mux, "raw TCP"}
		if round%2 == 0 {
			order = []string{"raw TCP", *mux}
		}
		results := map[string][2]float64{}
		for _, path := range order {
			results[path] = run(path, *size, data)
		}
		m, r := results[*mux], results["raw TCP"]
		fmt.Printf("ratio %s / raw TCP: %.2f, CPU per GiB %.2f times raw TCP's\n", *mux, m[0]/r[0], m[1]/r[1])
	}
}

// windowName says which stream window the multiplexer has.
func windowName() string {
	if *window == 0 {
		return "default window"
	}
	return fmt.Sprintf("window %d bytes", *window)
}

// run sends size bytes over fresh streams of the path, each stream its share, prints the line
// and returns MiB/s and CPU seconds per GiB.
func run(path string, size int64, data []byte) [2]float64 {
	opened, err := open(path)
	if err != nil {
		fail(err)
	}
	defer opened.close()
	share := size / int64(len(opened.pairs))
	cpuBefore := cpuSeconds()
	start := time.Now()
	done := make(chan error, 2*len(opened.pairs))
	for _, streams := range opened.pairs {
		go func(w io.Writer) { done <- send(w, share, data) }(streams.send)
		go func(r io.Reader) { done <- receive(r, share) }(streams.receive)
	}
	for range opened.pairs {
		for i := 0; i < 2; i++ {
			if err := <-done; err != nil {
				fail(fmt.Errorf("%s: %w", path, err))
			}
		}
	}
	seconds := time.Since(start).Seconds()
	cpu := cpuSeconds() - cpuBefore
	gib := float64(size) / (1 << 30)
	mibs := float64(size) / (1 << 20) / seconds
	fmt.Printf("%s: %d bytes in %.2f s: %.1f MiB/s (CPU %.2f s, %.2f s per GiB)\n", path, size, seconds, mibs, cpu, cpu/gib)
	return [2]float64{mibs, cpu / gib}
}

// send writes share bytes of the data, in writes of the chunk size.
func send(w io.Writer, share int64, data []byte) error {
	var position int64
	for position < share {
		n := int64(*chunk)
		if share-position < n {
			n = share - position
		}
		offset := position % period
		if _, err := w.Write(data[offset : offset+n]); err != nil {
			return fmt.Errorf("writing: %w", err)
		}
		position += n
	}
	return nil
}

// receive reads share bytes.
func receive(r io.Reader, share int64) error {
	buffer := make([]byte, *chunk)
	var received int64
	for received < share {
		n, err := r.Read(buffer)
		received += int64(n)
		if err != nil {
			return fmt.Errorf("reading after %d bytes: %w", received, err)
		}
	}
	return nil
}

// open connects loopback sockets: one pair per stream for raw TCP, else one pair and the
// multiplexer's streams over it.
func open(path string) (streams, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return streams{}, err
	}
	defer listener.Close()
	connections := 1
	if path == "raw TCP" {
		connections = *count
	}
	var opened streams
	var conns []net.Conn
	opened.close = func() {
		for _, conn := range conns {
			conn.Close()
		}
	}
	for i := 0; i < connections; i++ {
		client, server, err := connect(listener)
		if err != nil {
			opened.close()
			return streams{}, err
		}
		conns = append(conns, client, server)
		opened.pairs = append(opened.pairs, pair{client, server})
	}
	if path == "raw TCP" {
		return opened, nil
	}
	client, server := conns[0], conns[1]
	if path == "yamux" {
		config := yamux.DefaultConfig()
		config.LogOutput = io.Discard
		if *window > 0 {
			config.MaxStreamWindowSize = uint32(*window)
		}
		clientSession, err := yamux.Client(client, config)
		if err != nil {
			return streams{}, err
		}
		serverSession, err := yamux.Server(server, config)
		if err != nil {
			return streams{}, err
		}
		return sessionStreams(
			func() (io.Writer, error) { return clientSession.OpenStream() },
			func() (io.Reader, error) { return serverSession.AcceptStream() },
			func() { clientSession.Close(); serverSession.Close(); opened.close() })
	}
	config := smux.DefaultConfig()
	if *window > 0 {
		config.MaxStreamBuffer = *window
		if config.MaxReceiveBuffer < *window {
			config.MaxReceiveBuffer = *window
		}
	}
	clientSession, err := smux.Client(client, config)
	if err != nil {
		return streams{}, err
	}
	serverSession, err := smux.Server(server, config)
	if err != nil {
		return streams{}, err
	}
	return sessionStreams(
		func() (io.Writer, error) { return clientSession.OpenStream() },
		func() (io.Reader, error) { return serverSession.AcceptStream() },
		func() { clientSession.Close(); serverSession.Close(); opened.close() })
}

// sessionStreams opens the streams of one transfer over a client session and accepts them on
// the server session; closeAll closes both sessions and their connection.
func sessionStreams(openStream func() (io.Writer, error), acceptStream func() (io.Reader, error), closeAll func()) (streams, error) {
	opened := streams{close: closeAll}
	for i := 0; i < *count; i++ {
		sending, err := openStream()
		if err != nil {
			return streams{}, err
		}
		receiving, err := acceptStream()
		if err != nil {
			return streams{}, err
		}
		opened.pairs = append(opened.pairs, pair{sending, receiving})
	}
	return opened, nil
}

// connect dials the listener and returns both ends.
func connect(listener net.Listener) (net.Conn, net.Conn, error) {
	accepted := make(chan net.Conn, 1)
	go func() {
		conn, err := listener.Accept()
		if err != nil {
			fail(err)
		}
		accepted <- conn
	}()
	client, err := net.Dial("tcp", listener.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	return client, <-accepted, nil
}

func cpuSeconds() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		fail(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()).Seconds()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gomux:", err)
	os.Exit(1)
}
