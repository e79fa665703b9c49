package graph

import (
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// oddName round-trips commas, quotes, a newline and non-ASCII letters through the CSV.
const oddName = "Ünïcode \"Quoted\", Co.\nSecond line"

// reportScene is a partner with two US customers with Calling (the odd-named one assigned
// to the ADMIN, with two locations, devices and a number; Bravo) and an EU one, call legs
// in the week of 2026-03-08 and one before it, and a foreign partner.
type reportScene struct {
	h          *harness
	w, foreign world
	odd, bravo *ent.Customer
	dl         *httptest.Server
}

func newReportScene(t *testing.T) *reportScene {
	h := newHarness(t)
	s := &reportScene{h: h, w: h.newWorld("Reports"), foreign: h.newWorld("Foreign reports")}
	calling := []subSpec{{kind: enum.KindPaid, state: enum.StateActive, endsIn: day(200), lines: []lineSpec{{product: enum.ProductCalling, total: 50, assigned: 10}}}}
	s.odd = h.mustCustomer(s.w, customerSpec{name: oddName, externalID: "acme", orgID: "org-odd", subs: calling, assignedTo: []*ent.Admin{s.w.admin}})
	s.bravo = h.mustCustomer(s.w, customerSpec{name: "Bravo", orgID: "org-bravo", externalID: "bravo", subs: calling})
	h.mustCustomer(s.w, customerSpec{name: "Zeta", externalID: "zeta", region: enum.RegionEU, subs: calling})
	h.mustCustomer(s.foreign, customerSpec{name: "Foreign", externalID: "acme", subs: calling})
	in := h.asToken(s.w.full, viewer.ScopeIngest)
	hq, br := "acme-hq", "acme-br"
	for _, b := range []struct {
		field, query, key string
		items             []any
	}{
		{"upsertLocations", locationsQ, "locations", []any{locationItem("acme", hq, "Berlin HQ"), locationItem("acme", br, "Bonn, Branch")}},
		{"upsertDevices", devicesQ, "devices", []any{deviceItem("acme", "d1", &hq),
			map[string]any{"customerExternalId": "acme", "externalId": "d2", "product": "Room Kit", "mac": "6C:71:0D:00:00:01", "firmware": "ce11"},
			deviceItem("bravo", "d3", nil)}},
		{"upsertPhoneNumbers", numbersQ, "phoneNumbers", []any{numberItem("acme", "n1", &br)}},
		{"ingestCallLegs", callLegsQ, "legs", []any{
			callLeg("L1", "C1", "acme", "u1", "2026-03-10T10:00:00Z", 120, metrics(200, 10, 0), map[string]any{"locationExternalId": hq}),
			callLeg("L2", "C1", "acme", "u2", "2026-03-10T10:01:00Z", 60, map[string]any{"locationExternalId": hq, "media": "VIDEO", "endpointType": "ROOM_DEVICE"}),
			callLeg("L3", "C2", "acme", "u1", "2026-03-12T09:00:00Z", 30, map[string]any{"locationExternalId": br, "endpointType": "OTHER", "feature": "HUNT_GROUP"}),
			callLeg("L4", "C3", "bravo", "u9", "2026-03-11T09:00:00Z", 90),
			callLeg("L5", "C4", "acme", "u1", "2026-03-01T09:00:00Z", 600, map[string]any{"locationExternalId": hq}),
		}},
	} {
		if out := h.ingest(t, in, b.field, b.query, b.key, b.items); out.Failed != 0 {
			t.Fatalf("%s = %+v", b.field, out)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /reports/{id}/download", h.resolver.Reports.Handler())
	s.dl = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h.mu.Lock()
		v := h.viewers[req.Header.Get("X-Test-Viewer")]
		h.mu.Unlock()
		if v != nil {
			req = req.WithContext(viewer.NewContext(req.Context(), v))
		}
		mux.ServeHTTP(w, req)
	}))
	t.Cleanup(s.dl.Close)
	return s
}

const generateQ = `mutation($in: GenerateReportInput!) { generateReport(input: $in) { report { id fileName state region from to } } }`

const reportQ = `query($id: ID!) { report(id: $id) { id state error rowCount byteSize fileName region from to downloadUrl expiresAt completedAt
  createdBy { email } template { name isDefault columns { key title } } schedule { id } } }`

// reportOut is a report as the tests read it.
type reportOut struct {
	ID, State, FileName, Region string
	Error                       *string
	From, To                    *string
	RowCount, ByteSize          int
	DownloadURL                 *string
	CreatedBy                   *struct{ Email string }
	Template                    *struct {
		Name      string
		IsDefault bool
	}
}

// generate asks for a report as who, waits for it, and returns it READY.
func (s *reportScene) generate(t *testing.T, who string, in map[string]any) reportOut {
	t.Helper()
	var started struct{ GenerateReport struct{ Report reportOut } }
	s.h.mustDo(t, who, generateQ, map[string]any{"in": in}, &started)
	if st := started.GenerateReport.Report.State; st != "QUEUED" {
		t.Fatalf("new report is %s, want QUEUED", st)
	}
	s.h.resolver.Reports.Wait()
	var got struct{ Report reportOut }
	s.h.mustDo(t, who, reportQ, map[string]any{"id": started.GenerateReport.Report.ID}, &got)
	if got.Report.State != "READY" {
		t.Fatalf("report = %+v (error %v), want READY", got.Report, got.Report.Error)
	}
	return got.Report
}

// download fetches path as who (no viewer header when who is empty).
func (s *reportScene) download(t *testing.T, who, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.dl.URL+path, nil)
	if who != "" {
		req.Header.Set("X-Test-Viewer", who)
	}
	resp, err := s.dl.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// records downloads a report's CSV as who and parses it back.
func (s *reportScene) records(t *testing.T, who string, r reportOut) [][]string {
	t.Helper()
	resp := s.download(t, who, "/reports/"+r.ID+"/download")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download = %d %s", resp.StatusCode, body)
	}
	h := resp.Header
	_, disp, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if h.Get("Content-Type") != "text/csv; charset=utf-8" || h.Get("Content-Length") != fmt.Sprint(len(body)) || len(body) != r.ByteSize ||
		disp["filename"] != r.FileName {
		t.Errorf("headers %v for %d bytes, report of %d bytes named %s", h, len(body), r.ByteSize, r.FileName)
	}
	recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("parse %q: %v", body, err)
	}
	if len(recs)-1 != r.RowCount {
		t.Errorf("rowCount %d, CSV has %d rows", r.RowCount, len(recs)-1)
	}
	return recs
}

func wantRecords(t *testing.T, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("CSV has %d records, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d =\n%q, want\n%q", i, got[i], want[i])
		}
	}
}

var usageHeader = []string{"Customer name", "Org ID", "Location", "Total calls", "Total call legs", "Poor quality call legs", "Call minutes",
	"Video call minutes", "Audio call legs", "Video call legs", "Desk phone call legs", "Room device call legs", "Other device call legs",
	"Hunt group calls", "Auto attendant calls", "Call queue calls", "Call queue timed out calls", "Call queue overflow calls",
	"Call queue transferred calls", "Call queue abandoned calls"}

// oddUsage are the odd-named customer's rows of the week of 2026-03-08.
var oddUsage = [][]string{
	{oddName, "org-odd", "Berlin HQ", "1", "2", "1", "3.00", "1.00", "1", "1", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0"},
	{oddName, "org-odd", "Bonn, Branch", "1", "1", "0", "0.50", "0.00", "1", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0", "0"},
}

const reportWeek = "2026-03-08"

func templateID(t *testing.T, h *harness, who, name string) string {
	t.Helper()
	var got struct{ ReportTemplates []struct{ ID, Name string } }
	h.mustDo(t, who, `{ reportTemplates { id name } }`, nil, &got)
	for _, tm := range got.ReportTemplates {
		if tm.Name == name {
			return tm.ID
		}
	}
	t.Fatalf("no template %q in %+v", name, got.ReportTemplates)
	return ""
}

// TestCallingUsageReport: every column of the calling usage report for a FULL_ADMIN and
// for an ADMIN (assigned customers only), the range's days only.
func TestCallingUsageReport(t *testing.T) {
	s := newReportScene(t)
	full, adm := s.h.as(s.w.full), s.h.as(s.w.admin)
	id := templateID(t, s.h, full, "Calling usage detail")
	t.Run("FullAdmin", func(t *testing.T) {
		r := s.generate(t, full, map[string]any{"templateId": id, "region": "US", "from": reportWeek, "to": "2026-03-14"})
		if !strings.HasPrefix(r.FileName, "Calling usage detail_") || !strings.HasSuffix(r.FileName, "_2026-03-18.csv") || len(r.FileName) != len("Calling usage detail__2026-03-18.csv")+10 {
			t.Errorf("fileName = %q", r.FileName)
		}
		if *r.From != reportWeek || *r.To != "2026-03-14" || r.CreatedBy.Email != s.w.full.Email || !r.Template.IsDefault {
			t.Errorf("report = %+v", r)
		}
		want := append([][]string{usageHeader, {"Bravo", "org-bravo", "", "1", "1", "0", "1.50", "0.00", "1", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0"}}, oddUsage...)
		wantRecords(t, s.records(t, full, r), want)
	})
	t.Run("Admin", func(t *testing.T) {
		// The ADMIN's customers lie in one region: it may be omitted.
		r := s.generate(t, adm, map[string]any{"templateId": id, "from": reportWeek, "to": "2026-03-14"})
		wantRecords(t, s.records(t, adm, r), append([][]string{usageHeader}, oddUsage...))
	})
	t.Run("ReportsAndAnalyticsScopes", func(t *testing.T) {
		// A token with both scopes gets the report; generating it needs no more of the token.
		who := s.h.asToken(s.w.readOnly, viewer.ScopeReports, viewer.ScopeAnalyticsRead)
		r := s.generate(t, who, map[string]any{"templateId": id, "region": "US", "from": reportWeek, "to": "2026-03-14"})
		if r.RowCount != 1+len(oddUsage) {
			t.Errorf("rows = %d, want %d", r.RowCount, 1+len(oddUsage))
		}
	})
	t.Run("SameAsAnalytics", func(t *testing.T) {
		var a struct {
			CallingAnalytics struct {
				CustomerUsage struct {
					Edges []struct{ Node struct{ Calls, Legs int } }
				}
			}
		}
		s.h.mustDo(t, adm, `{ callingAnalytics(week: "2026-03-08") { customerUsage(first: 5) { edges { node { calls legs } } } } }`, nil, &a)
		if e := a.CallingAnalytics.CustomerUsage.Edges; len(e) != 1 || e[0].Node.Calls != 2 || e[0].Node.Legs != 3 {
			t.Errorf("analytics = %+v, want the report's 2 calls and 3 legs", e)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		devices := templateID(t, s.h, full, "Devices")
		for name, c := range map[string]struct {
			in   map[string]any
			want string
		}{
			"RegionRequired":  {map[string]any{"templateId": id}, "BAD_USER_INPUT"},
			"EmptyRegion":     {map[string]any{"templateId": id, "region": "CA"}, "BAD_USER_INPUT"},
			"InventoryDates":  {map[string]any{"templateId": devices, "region": "US", "from": reportWeek}, "BAD_USER_INPUT"},
			"Backwards":       {map[string]any{"templateId": id, "region": "US", "from": "2026-03-14", "to": reportWeek}, "BAD_USER_INPUT"},
			"UnknownTemplate": {map[string]any{"templateId": s.odd.GlobalID(), "region": "US"}, "NOT_FOUND"},
			"NoReportsScope":  {map[string]any{"templateId": id, "region": "US"}, "FORBIDDEN"},
			// The calling usage detail is made of calling analytics.
			"NoAnalyticsScope": {map[string]any{"templateId": id, "region": "US"}, "FORBIDDEN"},
		} {
			t.Run(name, func(t *testing.T) {
				who := full
				switch name {
				case "NoReportsScope":
					who = s.h.asToken(s.w.full, viewer.ScopeCustomersRead)
				case "NoAnalyticsScope":
					who = s.h.asToken(s.w.full, viewer.ScopeReports)
				}
				if got := s.h.do(t, who, generateQ, map[string]any{"in": c.in}).code(); got != c.want {
					t.Errorf("code = %s, want %s", got, c.want)
				}
			})
		}
	})
}

var deviceHeader = []string{"External ID", "Customer", "Customer org ID", "Location ID", "Location name", "Product", "MAC", "Firmware",
	"Phone number", "Extension", "User ID", "User UUID"}

// TestInventoryReports: every column of the devices and phone numbers reports, and a
// custom template's subset and order.
func TestInventoryReports(t *testing.T) {
	s := newReportScene(t)
	full, adm := s.h.as(s.w.full), s.h.as(s.w.admin)
	uuid := "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	d1 := []string{"acme", oddName, "org-odd", "acme-hq", "Berlin HQ", "Desk Phone 9861", "00:1B:D4:0A:1B:2C", "sip9861.3-2-1", "+4930123451000", "2000", "u1@acme.example", uuid}
	d2 := []string{"acme", oddName, "org-odd", "", "", "Room Kit", "6C:71:0D:00:00:01", "ce11", "", "", "", ""}
	d3 := []string{"bravo", "Bravo", "org-bravo", "", "", "Desk Phone 9861", "00:1B:D4:0A:1B:2C", "sip9861.3-2-1", "+4930123451000", "2000", "u1@acme.example", uuid}
	devices := templateID(t, s.h, full, "Devices")
	wantRecords(t, s.records(t, full, s.generate(t, full, map[string]any{"templateId": devices, "region": "US"})), [][]string{deviceHeader, d1, d2, d3})
	wantRecords(t, s.records(t, adm, s.generate(t, adm, map[string]any{"templateId": devices})), [][]string{deviceHeader, d1, d2})

	numbers := templateID(t, s.h, full, "Phone numbers")
	wantRecords(t, s.records(t, full, s.generate(t, full, map[string]any{"templateId": numbers, "region": "US"})), [][]string{
		{"External ID", "Customer", "Customer org ID", "Location ID", "Location name", "Country", "Phone number", "Extension", "PSTN connection",
			"Active", "User type", "Number type", "User ID", "User UUID"},
		{"acme", oddName, "org-odd", "acme-br", "Bonn, Branch", "DE", "+4930123451000", "2000", "Carrier A", "true", "USER", "PRIMARY", "u1@acme.example", uuid},
	})

	t.Run("CustomTemplate", func(t *testing.T) {
		const createQ = `mutation($in: CreateReportTemplateInput!) { createReportTemplate(input: $in) { reportTemplate { id name kind isDefault hasDateRange columns { key title } } } }`
		for name, cols := range map[string][]string{"Unknown": {"mac", "nope"}, "Repeated": {"mac", "customer", "mac"}, "Empty": {}} {
			in := map[string]any{"name": "Bad " + name, "baseTemplateId": devices, "columns": cols}
			if got := s.h.do(t, full, createQ, map[string]any{"in": in}).code(); got != "BAD_USER_INPUT" {
				t.Errorf("%s columns: code %s, want BAD_USER_INPUT", name, got)
			}
		}
		var created struct {
			CreateReportTemplate struct {
				ReportTemplate struct {
					ID, Name, Kind          string
					IsDefault, HasDateRange bool
				}
			}
		}
		in := map[string]any{"name": "MACs", "baseTemplateId": devices, "columns": []string{"mac", "customer", "externalId"}}
		s.h.mustDo(t, adm, createQ, map[string]any{"in": in}, &created)
		tm := created.CreateReportTemplate.ReportTemplate
		if tm.Kind != "DEVICES" || tm.IsDefault || tm.HasDateRange {
			t.Errorf("template = %+v", tm)
		}
		r := s.generate(t, full, map[string]any{"templateId": tm.ID, "region": "US"})
		if !strings.HasPrefix(r.FileName, "MACs_") || r.Template.Name != "MACs" {
			t.Errorf("report of the custom template = %+v", r)
		}
		wantRecords(t, s.records(t, full, r), [][]string{{"MAC", "Customer", "External ID"},
			{d1[6], oddName, "acme"}, {d2[6], oddName, "acme"}, {d3[6], "Bravo", "bravo"}})
		var del struct{ DeleteReportTemplate struct{ DeletedID string } }
		s.h.mustDo(t, full, `mutation($id: ID!) { deleteReportTemplate(input: {id: $id}) { deletedId } }`, map[string]any{"id": tm.ID}, &del)
		var after struct{ Report reportOut }
		s.h.mustDo(t, full, reportQ, map[string]any{"id": r.ID}, &after)
		if after.Report.Template != nil || after.Report.State != "READY" {
			t.Errorf("report after its template's deletion = %+v, want READY without template", after.Report)
		}
	})
}

// TestReportVisibility: another partner's report and another admin's, for an ADMIN, are
// NOT_FOUND and download as 404; the signed link works without a token.
func TestReportVisibility(t *testing.T) {
	s := newReportScene(t)
	full := s.h.as(s.w.full)
	r := s.generate(t, full, map[string]any{"templateId": templateID(t, s.h, full, "Devices"), "region": "US"})
	for name, who := range map[string]string{"OtherPartner": s.h.as(s.foreign.full), "OtherAdmin": s.h.as(s.w.admin)} {
		t.Run(name, func(t *testing.T) {
			if got := s.h.do(t, who, reportQ, map[string]any{"id": r.ID}).code(); got != "NOT_FOUND" {
				t.Errorf("report(id) = %s, want NOT_FOUND", got)
			}
			if resp := s.download(t, who, "/reports/"+r.ID+"/download"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("download = %d, want 404", resp.StatusCode)
			}
			if resp := s.download(t, who, "/reports/"+s.odd.GlobalID()+"/download"); resp.StatusCode != http.StatusNotFound {
				t.Errorf("download of a missing report = %d, want 404", resp.StatusCode)
			}
		})
	}
	t.Run("ReadOnly", func(t *testing.T) {
		var list struct{ Reports struct{ TotalCount int } }
		s.h.mustDo(t, s.h.as(s.w.readOnly), `{ reports(filter: {state: READY}) { totalCount } }`, nil, &list)
		if list.Reports.TotalCount != 1 {
			t.Errorf("READ_ONLY_ADMIN sees %d reports, want 1", list.Reports.TotalCount)
		}
	})
	t.Run("SignedLink", func(t *testing.T) {
		if resp := s.download(t, "", *r.DownloadURL); resp.StatusCode != http.StatusOK {
			t.Errorf("signed link = %d, want 200", resp.StatusCode)
		}
		forged := strings.Replace(*r.DownloadURL, "signature=", "signature=0", 1)
		if resp := s.download(t, "", forged); resp.StatusCode != http.StatusNotFound {
			t.Errorf("forged link = %d, want 404", resp.StatusCode)
		}
		if resp := s.download(t, "", "/reports/"+r.ID+"/download"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("no token, no signature = %d, want 401", resp.StatusCode)
		}
	})
}
