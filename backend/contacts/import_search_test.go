package contacts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"banlist/backend/contacts"
)

// TestImportedContactsAreSearchable imports a file big enough for the bulk
// path (several JSON batches and progress chunks) into a database that
// already holds contacts, and
// then finds imported contacts by email, name and address fragments through
// the report's search, on both engines. The emails are unique, so each
// search must find exactly its contact; a name shared by every imported row
// must count them all.
func TestImportedContactsAreSearchable(t *testing.T) {
	onEngines(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := e.store(t)
		mustImport(t, s, contacts.ImportCSV, csvFile(map[string]string{"visitor_name": "Before", "email": "before@example.org"}))
		const n = 11_000
		rows := make([]map[string]string, n)
		for i := range rows {
			rows[i] = map[string]string{
				"visitor_name": fmt.Sprintf("Quillfeather %d", i),
				"email":        fmt.Sprintf("imp%05d@example.org", i),
				"ip":           fmt.Sprintf("10.%d.%d.%d", 200+i/65536, (i/256)%256, i%256),
			}
		}
		rep := mustImport(t, s, contacts.ImportCSV, csvFile(rows...))
		if rep.Imported != n {
			t.Fatalf("imported %d of %d", rep.Imported, n)
		}
		find := func(search string) contacts.Page {
			t.Helper()
			p, err := s.List(ctx, contacts.Query{Search: search, PageSize: contacts.MaxPageSize})
			if err != nil {
				t.Fatalf("List(%q): %v", search, err)
			}
			return p
		}
		// Every 97th contact, and both ends of each 5,000-row chunk.
		for i := 0; i < n; i++ {
			if i%97 != 0 && i%5000 != 0 && i%5000 != 4999 && i != n-1 {
				continue
			}
			email := fmt.Sprintf("imp%05d@example.org", i)
			p := find(strings.ToUpper(email[:8]))
			if p.Total != 1 || len(p.Items) != 1 || p.Items[0].Email != email {
				t.Fatalf("search %q: total %d, items %v; want only %s", email[:8], p.Total, p.Items, email)
			}
			ip := rows[i]["ip"]
			found := false
			for _, c := range find(ip).Items {
				found = found || c.Email == email
			}
			if !found {
				t.Fatalf("search %q does not find %s", ip, email)
			}
		}
		if p := find("quillfeather"); p.Total != n {
			t.Fatalf("search quillfeather: total %d, want %d", p.Total, n)
		}
		if p := find("before@"); p.Total != 1 {
			t.Fatalf("the contact stored before the import: total %d, want 1", p.Total)
		}
	})
}
