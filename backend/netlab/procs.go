package netlab

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Proc is a process started in a namespace, with its output kept.
type Proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

// Output returns what the process printed so far (stdout and stderr).
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

func (p *Proc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

// Stop sends SIGTERM, waits up to 10 s for the process to exit (a bouncer
// removes its firewall rules and sets on the way out), then kills it.
func (p *Proc) Stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func start(cmd *exec.Cmd) (*Proc, error) {
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p, p
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// StartBanlist runs bin serve on addr (inside ns) on the database db and
// waits for its "banlist serving on" line.
func StartBanlist(ns, bin, db, addr string) (*Proc, error) {
	cmd := Command(ns, bin, "serve", "--addr", addr, "--db", db, "--no-demo")
	cmd.Env = append(os.Environ(), "BANLIST_SETTINGS="+filepath.Join(filepath.Dir(db), "settings.json"))
	p, err := start(cmd)
	if err != nil {
		return nil, err
	}
	if _, err := Until(20*time.Second, 50*time.Millisecond, func() error {
		if strings.Contains(p.Output(), "banlist serving on http://") {
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("banlist serve exited: %s", p.Output())
		}
		return fmt.Errorf("banlist serve has not started: %s", p.Output())
	}); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// AddBouncerKey runs `bin bouncer add name --db db` and returns the key, its
// last line of output.
func AddBouncerKey(bin, db, name string) (string, error) {
	cmd := exec.Command(bin, "bouncer", "add", name, "--db", db)
	cmd.Env = append(os.Environ(), "BANLIST_SETTINGS="+filepath.Join(filepath.Dir(db), "settings.json"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("bouncer add: %v: %s", err, stderr.String())
	}
	var last string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		last = sc.Text()
	}
	return strings.TrimSpace(last), nil
}

// BouncerSet is the ipset the firewall bouncer fills in the lab.
const BouncerSet = "banlist-lab"

// BouncerConfig is Debian's crowdsec-firewall-bouncer configuration for the
// lab: iptables mode with an ipset of type nethash (which holds CIDR ranges;
// nftables mode keeps only a range's first address), pulling every period.
func BouncerConfig(dir, apiURL, key string, period time.Duration) string {
	return fmt.Sprintf(`mode: iptables
pid_dir: %[1]s
update_frequency: %[2]s
daemonize: false
log_mode: file
log_dir: %[1]s
log_level: info
api_url: %[3]s
api_key: %[4]s
insecure_skip_verify: false
disable_ipv6: true
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: %[5]s
blacklists_ipv6: %[5]s6
ipset_type: nethash
iptables_chains:
  - INPUT
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 60601
`, dir, period, apiURL, key, BouncerSet)
}

// StartBouncer writes the lab configuration into dir and runs Debian's
// crowdsec-firewall-bouncer with it inside ns.
func StartBouncer(ns, dir, apiURL, key string, period time.Duration) (*Proc, error) {
	bin, err := exec.LookPath("crowdsec-firewall-bouncer")
	if err != nil {
		return nil, fmt.Errorf("crowdsec-firewall-bouncer is not installed (make deps-apt installs it)")
	}
	cfg := filepath.Join(dir, "bouncer.yaml")
	if err := os.WriteFile(cfg, []byte(BouncerConfig(dir, apiURL, key, period)), 0o600); err != nil {
		return nil, err
	}
	return start(Command(ns, bin, "-c", cfg))
}

// BouncerLog is the bouncer's log file in dir (log_mode: file).
func BouncerLog(dir string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "crowdsec-firewall-bouncer.log"))
	return string(b)
}

// SetHas reports whether the bouncer's ipset in ns holds entry.
func SetHas(ns, entry string) bool {
	return Command(ns, "ipset", "test", BouncerSet, entry).Run() == nil
}
