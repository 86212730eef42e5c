// Package netlab builds a small real network on this machine to prove that
// bans are enforced with real packets: two network namespaces joined by a
// veth pair, a "chat" side (where banlist serve, a CrowdSec bouncer and a
// stand-in chat server run) and a "customers" side with several addresses.
// It needs root (CAP_NET_ADMIN) and iproute2; the enforcement test and the
// P5 benchmark use it. Nothing outside the two namespaces is touched, and
// Close removes them with everything inside.
package netlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Addresses of the lab: documentation ranges, inside the namespaces only.
var (
	ChatAddr = netip.MustParseAddr("198.51.100.1")
	// Prefix is the customers' subnet; every customer address is inside it.
	Prefix = netip.MustParsePrefix("198.51.100.0/24")
)

// Lab is one pair of namespaces.
type Lab struct {
	Chat, Customers string // namespace names
	customers       []netip.Addr
}

// Available says why the lab cannot run here, or nil.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("needs root (network namespaces, iptables, ipset)")
	}
	for _, bin := range []string{"ip", "ipset", "iptables"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("%s is not installed (make deps-apt installs it)", bin)
		}
	}
	return nil
}

// New creates the namespaces, the veth pair and the customers' addresses.
// On error it removes whatever it made.
func New(customers ...netip.Addr) (*Lab, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano()%100000)
	l := &Lab{Chat: "blchat-" + id, Customers: "blcust-" + id, customers: customers}
	vc, vu := "blc"+id[len(id)-5:], "blu"+id[len(id)-5:]
	steps := [][]string{
		{"netns", "add", l.Chat},
		{"netns", "add", l.Customers},
		{"link", "add", vc, "netns", l.Chat, "type", "veth", "peer", "name", vu, "netns", l.Customers},
		{"-n", l.Chat, "link", "set", "lo", "up"},
		{"-n", l.Customers, "link", "set", "lo", "up"},
		{"-n", l.Chat, "addr", "add", ChatAddr.String() + "/24", "dev", vc},
		{"-n", l.Chat, "link", "set", vc, "up"},
		{"-n", l.Customers, "link", "set", vu, "up"},
	}
	for _, a := range customers {
		steps = append(steps, []string{"-n", l.Customers, "addr", "add", a.String() + "/24", "dev", vu, "nodad"})
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			l.Close()
			return nil, fmt.Errorf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return l, nil
}

// Close deletes both namespaces; the kernel drops their links, addresses,
// firewall rules and sets with them. Processes still inside should be
// stopped first.
func (l *Lab) Close() {
	for _, ns := range []string{l.Chat, l.Customers} {
		_ = exec.Command("ip", "netns", "del", ns).Run()
	}
}

// In runs fn on an OS thread switched into namespace ns. Sockets fn opens
// stay in ns for their whole life, whichever thread later uses them.
func In(ns string, fn func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open("/run/netns/" + ns)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter namespace %s: %w", ns, err)
	}
	ferr := fn()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// The thread is stuck in ns: keep it locked so Go discards it.
		return errors.Join(ferr, fmt.Errorf("leave namespace %s: %w", ns, err))
	}
	runtime.UnlockOSThread()
	return ferr
}

// DialerIn returns a DialContext that opens its sockets in namespace ns,
// for an http.Transport that talks to a server there.
func DialerIn(ns string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := In(ns, func() error {
			var err error
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
}

// Listen opens a TCP listener in the chat namespace on port.
func (l *Lab) Listen(port int) (net.Listener, error) {
	var ln net.Listener
	err := In(l.Chat, func() error {
		var err error
		ln, err = net.Listen("tcp", netip.AddrPortFrom(ChatAddr, uint16(port)).String())
		return err
	})
	return ln, err
}

// ErrNoAnswer is a connection attempt that got no answer at all before its
// timeout: what a firewall that drops the customer's packets looks like (a
// refused or reset connection is a different error).
var ErrNoAnswer = errors.New("no answer")

// Connect opens a TCP connection from customer address src to the chat
// server's port and reads its first line, within timeout. Nil means the
// customer reached the chat server; ErrNoAnswer means its packets were dropped.
func (l *Lab) Connect(src netip.Addr, port int, timeout time.Duration) error {
	var c net.Conn
	err := In(l.Customers, func() error {
		d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: src.AsSlice()}}
		var err error
		c, err = d.Dial("tcp", netip.AddrPortFrom(ChatAddr, uint16(port)).String())
		return err
	})
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("%w: %w", ErrNoAnswer, err)
		}
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return fmt.Errorf("connected but read nothing: %w", err)
	}
	if !strings.HasPrefix(string(buf[:n]), "hello") {
		return fmt.Errorf("unexpected greeting %q", buf[:n])
	}
	return nil
}

// Greet serves ln: each connection is sent "hello <remote>\n" and closed,
// the stand-in for a chat server's first answer.
func Greet(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		_, _ = fmt.Fprintf(c, "hello %s\n", c.RemoteAddr())
		_ = c.Close()
	}
}

// Command returns cmd name args run inside namespace ns (ip netns exec
// replaces itself with the program, so the process is the program).
func Command(ns, name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns, name}, args...)...)
}

// Until polls cond every step until it is true or within has passed, and
// returns how long it took, or an error with cond's last reason.
func Until(within, step time.Duration, cond func() error) (time.Duration, error) {
	start := time.Now()
	for {
		err := cond()
		if err == nil {
			return time.Since(start), nil
		}
		if time.Since(start) > within {
			return time.Since(start), fmt.Errorf("not within %v: %w", within, err)
		}
		time.Sleep(step)
	}
}
