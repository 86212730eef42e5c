package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strings"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// Generating the report database: names, addresses and a million contacts.

var (
	firstNames = []string{"Ana", "Bruno", "Carla", "Diego", "Elena", "Farid", "Giulia", "Hugo", "Ines", "Jonas",
		"Kenji", "Lucia", "Marco", "Nadia", "Omar", "Paula", "Quentin", "Rosa", "Samir", "Tomás", "Uma", "Victor",
		"Wen", "Yara", "Zoé", "Adriana", "Beatriz", "Camille", "Daniel", "Emma", "Felipe", "Gabriel", "Hannah",
		"Isabel", "Julian", "Karin", "Leon", "Mariana", "Nora", "Oscar", "Pedro", "Rafael", "Sofia", "Theo",
		"Valentina", "William", "Xavier", "Yusuf", "Zara", "Amir", "Chloe", "Dmitri", "Eva", "Fatima", "Greta",
		"Henrik", "Ivan", "Jana", "Kai", "Laura", "Mateo", "Nina", "Olga", "Pablo", "Rita", "Sven", "Tara",
		"Ulrich", "Vera", "Wanda", "Aiko", "Björn", "Chiara", "Diana", "Emil", "Freya", "Goran", "Helga", "Igor",
		"Jasmin", "Liam", "Mia", "Noah", "Olivia", "Priya", "Ravi", "Sara", "Tim", "Ugo", "Vivek", "Yasmin"}
	// Surnames are built from syllables: tens of thousands of distinct
	// names, as in a real customer base, instead of a short list.
	syllables = []string{"ber", "cor", "dal", "fen", "gar", "hol", "kes", "lin", "mar", "nor", "pel", "ros",
		"sal", "tor", "val", "wen", "bra", "cle", "dro", "fri", "gus", "kov", "lux", "mun", "nak", "ost", "pra",
		"qui", "rim", "sto", "tal", "ush", "vik", "zan", "eri", "ola"}
	domains = []string{"example.com", "example.net", "example.org", "mail.example", "post.example",
		"inbox.example", "web.example", "corp.example", "home.example", "uni.example"}
	agentNames = []string{"Alice Martins", "Ben Carter", "Chiara Bianchi", "David Okafor", "Eva Lindqvist",
		"Fatima Zahra", "Georg Weber", "Hana Sato", "Ibrahim Diallo", "Julia Nowak", "Kofi Mensah", "Lena Fischer",
		"Miguel Torres", "Nadia Petrova", "Oliver Brown", "Pia Hansen", "Raj Patel", "Sara Cohen", "Tom Walsh",
		"Ursula Meier", "Vlad Ionescu", "Wei Zhang", "Ximena Ruiz", "Yann Leroy", "Zeynep Kaya", "Anton Berg",
		"Bianca Rossi", "Carlos Mendes", "Dora Kiss", "Erik Olsen", "Flora Ortiz", "Gil Ramos", "Hedda Lund",
		"Ivo Horvat", "Jade Moreau", "Karl Stein", "Lidia Costa", "Marek Novak", "Nils Holm", "Olga Ivanova"}
	departments = []string{"Sales", "Support", "Billing", "Technical"}
	channels    = []string{"chat", "chat", "chat", "web", "mobile"}
	countries   = []string{"PT", "ES", "IT", "FR", "DE", "BR", "US", "GB", "NL", "PL", "SE", "TR", "IN", "JP", "MX"}
	userAgents  = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
	}
	openers = []string{"Hello, I need help with my last invoice.", "Hi! My order has not arrived yet.",
		"Good morning, how do I change my plan?", "I can't log in to my account.", "Is there a discount for students?",
		"Can you tell me the opening hours?", "The app crashes when I pay.", "My card was charged twice.",
		"How do I cancel my subscription?", "The delivery address is wrong."}
	abusiveOpeners = []string{"ANSWER ME NOW you useless bots!!!", "You people are idiots, fix it or else.",
		"spam spam spam spam spam", "I will keep opening chats until someone gives me a refund."}
	// IPv4 customers come from these /16 blocks (documentation and
	// private-looking space only), IPv6 customers from 2001:db8::/32.
	v4Blocks = [][2]byte{{198, 51}, {203, 0}, {192, 0}, {100, 64}, {10, 20}, {10, 30}, {172, 16}, {172, 20},
		{100, 70}, {192, 168}, {10, 40}, {100, 80}}
)

func surname(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func randomV4(r *rand.Rand) netip.Addr {
	p := v4Blocks[r.IntN(len(v4Blocks))]
	return netip.AddrFrom4([4]byte{p[0], p[1], byte(r.IntN(256)), byte(1 + r.IntN(254))})
}

func randomV6(r *rand.Rand) netip.Addr {
	var b [16]byte
	b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
	// Customers cluster in a few thousand /48 networks, as real ISPs do.
	b[4], b[5] = byte(r.IntN(16)), byte(r.IntN(256))
	for i := 6; i < 16; i++ {
		b[i] = byte(r.IntN(256))
	}
	return netip.AddrFrom16(b)
}

type contactRow struct {
	name, email, ip string
	key             [16]byte
	channel         string
	started, ended  int64
	dur             int64
	agent, dept     string
	messages        int64
	rating          int64 // 0: none
	country, ua     string
	first           string
}

type abuser struct {
	addr        netip.Addr
	name, email string
}

// reportGen draws the contacts and bans of the report database.
type reportGen struct {
	r        *rand.Rand
	abusers  []abuser
	regulars []netip.Addr // returning customers' addresses
}

func (g *reportGen) contact(i, n int) contactRow {
	r := g.r
	// Contacts arrive in time order over the year before Epoch: ids grow
	// with started_at, as they do when the chat server logs them.
	span := int64(365 * 24 * time.Hour / time.Millisecond)
	started := Epoch.UnixMilli() - span + span*int64(i)/int64(n) + r.Int64N(60_000)
	started -= started % 1000
	dur := 60 + r.Int64N(1800)
	first, last := firstNames[r.IntN(len(firstNames))], surname(r)
	c := contactRow{
		name:     first + " " + last,
		channel:  channels[r.IntN(len(channels))],
		started:  started,
		ended:    started + dur*1000,
		dur:      dur,
		agent:    agentNames[r.IntN(len(agentNames))],
		dept:     departments[r.IntN(len(departments))],
		messages: 2 + r.Int64N(40),
		country:  countries[r.IntN(len(countries))],
		ua:       userAgents[r.IntN(len(userAgents))],
		first:    openers[r.IntN(len(openers))],
	}
	if r.IntN(4) > 0 {
		c.email = fmt.Sprintf("%s.%s%d@%s", asciiLower(first), asciiLower(last), r.IntN(100), domains[r.IntN(len(domains))])
	}
	if r.IntN(3) > 0 {
		c.rating = 1 + r.Int64N(5)
	}
	var a netip.Addr
	switch x := r.IntN(100); {
	case x < 2: // an abuser coming back
		ab := g.abusers[r.IntN(len(g.abusers))]
		a, c.name, c.email = ab.addr, ab.name, ab.email
		c.first, c.rating = abusiveOpeners[r.IntN(len(abusiveOpeners))], 1
	case x < 40: // a returning customer
		a = g.regulars[r.IntN(len(g.regulars))]
	case x < 60:
		a = randomV6(r)
	default:
		a = randomV4(r)
	}
	c.ip, c.key = a.String(), a.As16()
	return c
}

// generateReport writes n contacts and nBans bans into a new database at
// path (through a temporary file, so an interrupted run leaves nothing).
func generateReport(ctx context.Context, path string, n, nBans int) (*Dataset, error) {
	tmp := path + ".tmp"
	removeDB(tmp)
	db, err := store.Open(ctx, store.Options{Path: tmp, Clock: clock.NewFixed(Epoch)})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	exec := func(q string, args ...any) error {
		_, err := conn.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("%.80s: %w", q, err)
		}
		return nil
	}
	// Bulk load: no journal, no fsync; the file is renamed into place only
	// once it is complete.
	for _, p := range []string{"PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	// Drop the contacts table's indexes and triggers during the load and
	// recreate them from their own SQL afterwards: the schema stays exactly
	// what the migrations made, the load is several times faster.
	type obj struct{ typ, name, sql string }
	var saved []obj
	rows, err := conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name = 'contacts' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var o obj
		if err := rows.Scan(&o.typ, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, err
		}
		saved = append(saved, o)
	}
	rows.Close()
	for _, o := range saved {
		if err := exec(fmt.Sprintf("DROP %s %s", strings.ToUpper(o.typ), o.name)); err != nil {
			return nil, err
		}
	}

	r := rand.New(rand.NewPCG(20260302, uint64(n)))
	g := &reportGen{r: r}
	nAbusers := max(10, n/1000)
	seenAbuser := map[netip.Addr]bool{}
	for len(g.abusers) < nAbusers {
		a := randomV4(r)
		if r.IntN(4) == 0 {
			a = randomV6(r)
		}
		if seenAbuser[a] {
			continue
		}
		seenAbuser[a] = true
		first, last := firstNames[r.IntN(len(firstNames))], surname(r)
		g.abusers = append(g.abusers, abuser{addr: a, name: first + " " + last,
			email: fmt.Sprintf("%s%d@%s", asciiLower(last), r.IntN(1000), domains[r.IntN(len(domains))])})
	}
	g.regulars = make([]netip.Addr, max(100, n/10))
	for i := range g.regulars {
		if r.IntN(5) == 0 {
			g.regulars[i] = randomV6(r)
		} else {
			g.regulars[i] = randomV4(r)
		}
	}

	if err := exec("BEGIN"); err != nil {
		return nil, err
	}
	const per = 100 // rows per INSERT statement (16 parameters each)
	const cols = "(visitor_name, email, ip, ip_key, channel, started_at, ended_at, duration_sec, agent, department, messages, rating, country, user_agent, first_message)"
	one := "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	stmt, err := conn.PrepareContext(ctx, "INSERT INTO contacts"+cols+" VALUES "+strings.TrimSuffix(strings.Repeat(one+",", per), ","))
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, per*15)
	var probes Probes
	var probeName, probeEmail string
	contactIPs := make([]netip.Addr, 0, n) // for picking ban targets
	flush := func(st *sql.Stmt) error {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
		args = args[:0]
		return nil
	}
	for i := 0; i < n; i++ {
		c := g.contact(i, n)
		var rating any
		if c.rating > 0 {
			rating = c.rating
		}
		key := c.key
		args = append(args, c.name, c.email, c.ip, key[:], c.channel, c.started, c.ended, c.dur, c.agent, c.dept,
			c.messages, rating, c.country, c.ua, c.first)
		contactIPs = append(contactIPs, netip.AddrFrom16(c.key).Unmap())
		if i == n/3 { // a customer in the middle of the year
			probeName = strings.ToLower(strings.Fields(c.name)[1])
		}
		if i >= n/2 && probeEmail == "" && c.email != "" && c.rating != 1 {
			probeEmail = c.email[:strings.IndexByte(c.email, '@')]
		}
		if len(args) == cap(args) {
			if err := flush(stmt); err != nil {
				return nil, err
			}
		}
	}
	if len(args) > 0 {
		rest := len(args) / 15
		st, err := conn.PrepareContext(ctx, "INSERT INTO contacts"+cols+" VALUES "+strings.TrimSuffix(strings.Repeat(one+",", rest), ","))
		if err != nil {
			return nil, err
		}
		err = flush(st)
		st.Close()
		if err != nil {
			return nil, err
		}
	}
	stmt.Close()
	for _, o := range saved {
		if o.typ == "index" {
			if err := exec(o.sql); err != nil {
				return nil, err
			}
		}
	}
	// The search index that the triggers keep is filled in one pass, with
	// the values its insert trigger would have written (migration 0004).
	var fts int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'contacts_fts'`).Scan(&fts); err != nil {
		return nil, err
	}
	if fts > 0 {
		if err := exec(`INSERT INTO contacts_fts(rowid, visitor_name, email, ip)
			SELECT id, lower(visitor_name), lower(email), lower(ip) FROM contacts`); err != nil {
			return nil, err
		}
	}
	for _, o := range saved {
		if o.typ == "trigger" {
			if err := exec(o.sql); err != nil {
				return nil, err
			}
		}
	}
	if err := refreshDerived(ctx, conn); err != nil {
		return nil, err
	}

	bans, active := g.bans(nBans, contactIPs)
	if err := insertBans(ctx, conn, bans); err != nil {
		return nil, err
	}
	if err := exec("COMMIT"); err != nil {
		return nil, err
	}

	// Probes: an abuser whose address is blocked, and how much each matches.
	ds := &Dataset{Path: path, Contacts: n, Bans: len(bans)}
	probes.ActiveBans = active
	for _, b := range bans {
		if b.isRange {
			probes.RangeBans++
		}
	}
	for _, ab := range g.abusers {
		t := ab.addr.String()
		var id int64
		if err := conn.QueryRowContext(ctx, `SELECT c.id FROM contacts c JOIN bans b ON b.target = c.ip
			WHERE c.ip = ? AND b.removed_at IS NULL AND b.expires_at > ? ORDER BY c.started_at DESC LIMIT 1`,
			t, Epoch.UnixMilli()).Scan(&id); err == nil && ab.addr.Is4() {
			probes.IP, probes.ContactID = t, id
			break
		}
	}
	if probes.IP == "" {
		return nil, errors.New("no blocked abuser among the generated contacts")
	}
	probes.Name = probeName
	probes.NameCommon = "ana"
	probes.Email = probeEmail
	probes.Short = "zo"
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE ip LIKE '%' || ? || '%'`, probes.IP).Scan(&probes.IPMatches); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM contacts WHERE id IN (SELECT c.id FROM bans b CROSS JOIN contacts c
		WHERE b.removed_at IS NULL AND b.expires_at > ? AND c.ip_key BETWEEN b.lo AND b.hi)`, Epoch.UnixMilli()).Scan(&probes.Blocked); err != nil {
		return nil, err
	}
	ds.Probes = probes
	for _, p := range []string{"PRAGMA journal_mode=WAL", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	conn.Close()
	if err := db.Close(); err != nil {
		return nil, err
	}
	for _, s := range []string{"-wal", "-shm"} {
		_ = os.Remove(tmp + s)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	ds.Path = path
	return ds, nil
}

// refreshDerived recomputes tables the migrations keep in step with
// contacts through triggers (which were off during the bulk load).
func refreshDerived(ctx context.Context, conn *sql.Conn) error {
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'contacts_count'`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	_, err := conn.ExecContext(ctx, `UPDATE contacts_count SET n = (SELECT count(*) FROM contacts) WHERE id = 1`)
	return err
}
