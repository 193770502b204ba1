package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// exportCustomers downloads the customers of a search as CSV or .xlsx.
func (c *Console) exportCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	var buf bytes.Buffer
	if err := c.Customers.Export(r.Context(), crm.Filter{Query: q.Get("q"), Tag: q.Get("tag")}, format, Language(r), &buf); err != nil {
		c.Fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	name := "customers-" + time.Now().In(c.Location).Format("20060102-1504") + "." + format
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

type importData struct {
	Report   *crm.ImportReport
	Errors   []importError
	Error    string
	SkipBad  bool
	MaxRows  int
	MaxMB    int
	FileName string
}

type importError struct {
	Row     int
	Column  string
	Message string
}

func (c *Console) importPage(w http.ResponseWriter, r *http.Request) {
	c.renderImport(w, r, http.StatusOK, &importData{})
}

func (c *Console) renderImport(w http.ResponseWriter, r *http.Request, status int, d *importData) {
	d.MaxRows, d.MaxMB = crm.MaxImportRows, crm.MaxImportBytes>>20
	c.render(w, r, status, "customer_import", c.page(r, "customers.import", d))
}

// importCustomers checks an uploaded file (dry run, the default) or imports it
// (confirm=1), in the mode chosen: only if no row has errors, or skipping bad rows.
func (c *Console) importCustomers(w http.ResponseWriter, r *http.Request) {
	l := c.Catalog.Locale(Language(r))
	d := &importData{SkipBad: r.FormValue("mode") == "skip"}
	fail := func(err error) {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		d.Error = message(l, err)
		c.renderImport(w, r, httpx.Status(errs.CodeOf(err)), d)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(errs.E(errs.Invalid, "Choose a .csv or .xlsx file to upload.").WithKey("import_file"))
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		fail(errs.E(errs.Invalid, "Choose a .csv or .xlsx file to upload.").WithKey("import_file"))
		return
	}
	defer f.Close()
	d.FileName = hdr.Filename
	table, err := crm.ReadTable(hdr.Filename, f)
	if err != nil {
		fail(err)
		return
	}
	rep, err := c.Customers.Import(r.Context(), table, crm.ImportOptions{DryRun: r.FormValue("confirm") != "1", SkipBad: d.SkipBad, ActorID: userOf(r).ID})
	if err != nil {
		fail(err)
		return
	}
	d.Report = rep
	for _, e := range rep.Errors {
		msg := e.Message
		if e.Key != "" && l.Has("err."+e.Key) {
			msg = l.T("err."+e.Key, e.Args...)
		}
		d.Errors = append(d.Errors, importError{e.Row, e.Column, msg})
	}
	c.renderImport(w, r, http.StatusOK, d)
}

type duplicatesData struct {
	Pairs []crm.Duplicate
	Error string
}

func (c *Console) duplicates(w http.ResponseWriter, r *http.Request) {
	c.renderDuplicates(w, r, http.StatusOK, "")
}

func (c *Console) renderDuplicates(w http.ResponseWriter, r *http.Request, status int, msg string) {
	id, _ := strconv.ParseInt(r.FormValue("customer"), 10, 64)
	pairs, err := c.Customers.Duplicates(r.Context(), id, 200)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "customer_duplicates", c.page(r, "customers.duplicates", &duplicatesData{Pairs: pairs, Error: msg}))
}

// mergeCustomers folds the customer "drop" into "keep".
func (c *Console) mergeCustomers(w http.ResponseWriter, r *http.Request) {
	keep, _ := strconv.ParseInt(r.PostFormValue("keep"), 10, 64)
	drop, _ := strconv.ParseInt(r.PostFormValue("drop"), 10, 64)
	if _, err := c.Customers.Merge(r.Context(), userOf(r).ID, keep, drop); err != nil {
		if code := errs.CodeOf(err); code == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		c.renderDuplicates(w, r, httpx.Status(errs.CodeOf(err)), message(c.Catalog.Locale(Language(r)), err))
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(keep, 10)+"?ok=customers_merged", http.StatusSeeOther)
}
