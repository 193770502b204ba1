package crm

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Import and export limits.
const (
	MaxImportBytes = 4 << 20 // largest file accepted for import
	MaxImportRows  = 5000    // data rows per import
	MaxExportRows  = 100000  // rows per export
)

// Columns of the import and export table. Each has an English name (used in exports in
// English) and Chinese names (the first is used in exports in Chinese).
type column struct {
	key     string
	names   []string // lower-case spellings accepted in headers; [0] English, [1] Chinese
	field   string   // the validation field whose errors belong to this column
	combine bool     // several values split by ; , 、 or new lines
}

var columns = []column{
	{"name", []string{"name", "姓名", "名称", "客户", "客户名称"}, "name", false},
	{"mobile", []string{"mobile", "手机", "手机号", "手机号码"}, "phones", true},
	{"phone", []string{"phone", "电话", "固话", "座机", "phones"}, "phones", true},
	{"email", []string{"email", "邮箱", "电子邮件", "emails"}, "emails", true},
	{"company", []string{"company", "公司", "单位"}, "company", false},
	{"city", []string{"city", "城市"}, "company", false},
	{"address", []string{"address", "地址"}, "addresses", false},
	{"tags", []string{"tags", "标签", "tag"}, "tags", true},
	{"vip", []string{"vip", "vip等级", "vip_level"}, "vip_level", false},
	{"serial", []string{"serial", "序列号", "产品序列号", "serial number"}, "assets", true},
	{"product", []string{"product", "产品", "型号", "model"}, "assets", false},
	{"warranty_end", []string{"warranty_end", "保修截止", "保修到期"}, "assets", false},
	{"note", []string{"note", "备注"}, "company", false},
}

var splitter = regexp.MustCompile(`[;；,，、|\n]+`)

func split(s string) []string {
	var out []string
	for _, p := range splitter.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ReadTable reads the rows of an uploaded .csv (UTF-8, with or without BOM, or GB18030
// as Chinese Excel saves it) or .xlsx file (its first sheet).
func ReadTable(filename string, r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("crm: read upload: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, errs.E(errs.TooLarge, "The file is larger than %d MB.", MaxImportBytes>>20).WithKey("import_too_large", MaxImportBytes>>20)
	}
	switch strings.ToLower(path.Ext(filename)) {
	case ".xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, errs.E(errs.Invalid, "The file is not a readable .xlsx workbook.").WithKey("import_xlsx")
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			return nil, errs.E(errs.Invalid, "The file is not a readable .xlsx workbook.").WithKey("import_xlsx")
		}
		return rows, nil
	case ".csv", ".txt":
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		if !utf8.Valid(data) {
			if data, err = simplifiedchinese.GB18030.NewDecoder().Bytes(data); err != nil {
				return nil, errs.E(errs.Invalid, "The CSV file is neither UTF-8 nor GB18030 text.").WithKey("import_csv")
			}
		}
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if err != nil {
			return nil, errs.E(errs.Invalid, "The CSV file cannot be read: %v.", err).WithKey("import_csv")
		}
		return rows, nil
	}
	return nil, errs.E(errs.Invalid, "Upload a .csv or .xlsx file.").WithKey("import_type")
}

// RowError is one problem of an import row. Row numbers are the spreadsheet's: the
// header is row 1.
type RowError struct {
	Row     int
	Column  string // the header as written in the file; "" for the whole row
	Message string // in English
	Key     string // catalog key ("err."+Key) and Args, for other languages
	Args    []any
}

func rowErr(row int, col, key, format string, args ...any) RowError {
	return RowError{Row: row, Column: col, Message: fmt.Sprintf(format, args...), Key: key, Args: args}
}

// ImportOptions say how to import.
type ImportOptions struct {
	DryRun  bool // check every row, change nothing
	SkipBad bool // import the good rows and skip bad ones; otherwise import only if no row has errors
	ActorID int64
}

// ImportReport is the result of an import or a dry run.
type ImportReport struct {
	Rows     int // data rows read (blank rows not counted)
	Valid    int // rows without errors
	Imported int // rows stored
	Errors   []RowError
	DryRun   bool
}

type importRow struct {
	row    int
	c      *Customer
	errors []RowError
}

// Import checks every row of a table (first row: headers, English or Chinese) and stores
// the customers. A row goes in whole (with its phones, emails, address, tags and product)
// or not at all. By default nothing is stored if any row has an error; with SkipBad the
// good rows are stored. A phone or email that already belongs to a customer, or appears
// twice in the file, is an error of its row.
func (s *Store) Import(ctx context.Context, table [][]string, opt ImportOptions) (*ImportReport, error) {
	rep := &ImportReport{DryRun: opt.DryRun}
	if len(table) == 0 {
		return nil, errs.E(errs.Invalid, "The file is empty.").WithKey("import_empty")
	}
	defs, err := s.FieldDefs(ctx)
	if err != nil {
		return nil, err
	}
	header := table[0]
	cols := make([]*column, len(header))
	fieldCols := map[int]string{}
	hasName := false
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if name == "" {
			continue
		}
		for j := range columns {
			for _, n := range columns[j].names {
				if n == name {
					cols[i] = &columns[j]
				}
			}
		}
		if cols[i] == nil {
			for _, d := range defs {
				if name == d.Key || name == strings.ToLower(d.LabelZH) || name == strings.ToLower(d.LabelEN) {
					fieldCols[i] = d.Key
				}
			}
			if _, ok := fieldCols[i]; !ok {
				rep.Errors = append(rep.Errors, rowErr(1, h, "import_column", "Unknown column."))
			}
		}
		hasName = hasName || (cols[i] != nil && cols[i].key == "name")
	}
	if !hasName {
		rep.Errors = append(rep.Errors, rowErr(1, "", "import_no_name", "The header row needs a name column (name or 姓名)."))
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	if len(table)-1 > MaxImportRows {
		return nil, errs.E(errs.TooLarge, "A file may hold at most %d rows.", MaxImportRows).WithKey("import_rows", MaxImportRows)
	}
	var rows []*importRow
	seen := map[string]int{} // phone or email -> first row holding it
	for i, rec := range table[1:] {
		r := &importRow{row: i + 2, c: &Customer{Fields: map[string]string{}}}
		blank := true
		colOf := map[string]string{} // validation field -> header
		var serials []string
		var product, warranty string
		for j, v := range rec {
			v = strings.TrimSpace(v)
			if v != "" {
				blank = false
			}
			if j >= len(header) {
				if v != "" {
					r.errors = append(r.errors, rowErr(r.row, "", "import_cells", "The row has more cells than the header."))
				}
				continue
			}
			if key, ok := fieldCols[j]; ok {
				r.c.Fields[key] = v
				colOf["fields."+key] = header[j]
				continue
			}
			col := cols[j]
			if col == nil {
				continue
			}
			if _, ok := colOf[col.field]; !ok || v != "" {
				colOf[col.field] = header[j]
			}
			switch col.key {
			case "name":
				r.c.Name = v
			case "mobile":
				for _, p := range split(v) {
					r.c.Phones = append(r.c.Phones, Phone{Number: p, Label: "mobile"})
				}
			case "phone":
				for _, p := range split(v) {
					r.c.Phones = append(r.c.Phones, Phone{Number: p})
				}
			case "email":
				r.c.Emails = append(r.c.Emails, split(v)...)
			case "company":
				r.c.Company = v
			case "city":
				r.c.City = v
			case "address":
				if v != "" {
					r.c.Addresses = []Address{{Street: v}}
				}
			case "tags":
				r.c.Tags = split(v)
			case "vip":
				if v == "" {
					continue
				}
				n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(v), "VIP"))
				if err != nil {
					r.errors = append(r.errors, rowErr(r.row, header[j], "vip_level", "VIP level must be 0 to 3."))
					continue
				}
				r.c.VIPLevel = n
			case "serial":
				serials = split(v)
			case "product":
				product = v
			case "warranty_end":
				warranty = v
			case "note":
				r.c.Note = v
			}
		}
		if blank {
			continue
		}
		for _, sn := range serials {
			r.c.Assets = append(r.c.Assets, Asset{Kind: AssetDevice, Number: sn, Product: product, WarrantyEnd: warranty})
		}
		if len(serials) == 0 && (product != "" || warranty != "") {
			r.errors = append(r.errors, rowErr(r.row, colOf["assets"], "import_serial", "A product needs a serial number."))
		}
		rep.Rows++
		if err := validate(r.c, defs); err != nil {
			for f, fe := range FieldErrors(err) {
				r.errors = append(r.errors, RowError{Row: r.row, Column: colOf[f], Message: fe.Message, Key: fe.Key, Args: fe.Args})
			}
		}
		if err := s.checkTaken(ctx, r, seen, colOf); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	var good []*importRow
	for _, r := range rows {
		if len(r.errors) == 0 {
			good = append(good, r)
		}
		sortRowErrors(r.errors)
		rep.Errors = append(rep.Errors, r.errors...)
	}
	rep.Valid = len(good)
	if opt.DryRun || (len(rep.Errors) > 0 && !opt.SkipBad) || len(good) == 0 {
		return rep, nil
	}
	now := s.clock()
	write := func(tx *sql.Tx, r *importRow) error {
		r.c.CreatedAt, r.c.UpdatedAt = now, now
		if err := s.insert(ctx, tx, r.c); err != nil {
			return err
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "customer.created", ActorID: opt.ActorID, CustomerID: r.c.ID, At: now,
			Data: map[string]any{"name": r.c.Name, "source": "import", "row": r.row}})
	}
	if opt.SkipBad {
		// Each row in its own transaction: a row that fails goes in not at all.
		for _, r := range good {
			if err := s.db.Tx(ctx, func(tx *sql.Tx) error { return write(tx, r) }); err != nil {
				rep.Errors = append(rep.Errors, rowErr(r.row, "", "import_store", "The row could not be stored."))
				continue
			}
			rep.Imported++
		}
	} else {
		if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, r := range good {
				if err := write(tx, r); err != nil {
					return fmt.Errorf("crm: import row %d: %w", r.row, err)
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
		rep.Imported = len(good)
	}
	if rep.Imported > 0 {
		s.events.Notify()
	}
	return rep, nil
}

func sortRowErrors(es []RowError) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Column < es[j-1].Column; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// checkTaken flags phones and emails that belong to a stored customer or to an earlier
// row of the file.
func (s *Store) checkTaken(ctx context.Context, r *importRow, seen map[string]int, colOf map[string]string) error {
	check := func(value, field, q, display string) error {
		if first, ok := seen[value]; ok {
			r.errors = append(r.errors, rowErr(r.row, colOf[field], "import_dup_row", "%s is also in row %d.", display, first))
			return nil
		}
		seen[value] = r.row
		var id int64
		var name string
		err := s.db.Read().QueryRowContext(ctx, q, value).Scan(&id, &name)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("crm: import check: %w", err)
		}
		r.errors = append(r.errors, rowErr(r.row, colOf[field], "import_taken", "%s already belongs to customer %s (#%d).", display, name, id))
		return nil
	}
	for _, p := range r.c.Phones {
		if err := check(p.Number, "phones", `SELECT c.id, c.name FROM customer_phones p JOIN customers c ON c.id = p.customer_id WHERE p.number = $1 LIMIT 1`, p.Display()); err != nil {
			return err
		}
	}
	for _, e := range r.c.Emails {
		if err := check(e, "emails", `SELECT c.id, c.name FROM customer_emails e JOIN customers c ON c.id = e.customer_id WHERE e.address = $1 LIMIT 1`, e); err != nil {
			return err
		}
	}
	return nil
}

// Export writes the customers that match f (at most MaxExportRows) as "csv" or "xlsx",
// with headers in the language given (zh-CN or en); the file can be imported again.
func (s *Store) Export(ctx context.Context, f Filter, format, lang string, w io.Writer) error {
	if format != "csv" && format != "xlsx" {
		return errs.E(errs.Invalid, "Export format must be csv or xlsx.").WithKey("export_format")
	}
	f.Limit, f.Offset = MaxExportRows, 0
	cs, _, err := s.search(ctx, f, false)
	if err != nil {
		return err
	}
	if err := s.loadAll(ctx, cs); err != nil {
		return err
	}
	defs, err := s.FieldDefs(ctx)
	if err != nil {
		return err
	}
	var header []string
	for _, c := range columns {
		if lang == "en" {
			header = append(header, c.names[0])
		} else {
			header = append(header, c.names[1])
		}
	}
	for _, d := range defs {
		header = append(header, d.Label(lang))
	}
	records := [][]string{header}
	for _, c := range cs {
		var mobiles, others, serials []string
		for _, p := range c.Phones {
			if p.Label == "mobile" {
				mobiles = append(mobiles, p.Display())
			} else {
				others = append(others, p.Display())
			}
		}
		product, warranty := "", ""
		for _, a := range c.Assets {
			serials = append(serials, a.Number)
			product, warranty = a.Product, a.WarrantyEnd
		}
		addr := ""
		if len(c.Addresses) > 0 {
			addr = c.Addresses[0].String()
		}
		vip := ""
		if c.VIPLevel > 0 {
			vip = strconv.Itoa(c.VIPLevel)
		}
		rec := []string{c.Name, strings.Join(mobiles, "; "), strings.Join(others, "; "), strings.Join(c.Emails, "; "), c.Company, c.City,
			addr, strings.Join(c.Tags, "; "), vip, strings.Join(serials, "; "), product, warranty, c.Note}
		for _, d := range defs {
			rec = append(rec, c.Fields[d.Key])
		}
		records = append(records, rec)
	}
	if format == "csv" {
		if _, err := w.Write([]byte("\ufeff")); err != nil { // so that Excel reads UTF-8
			return err
		}
		cw := csv.NewWriter(w)
		cw.WriteAll(records)
		return cw.Error()
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, rec := range records {
		cells := make([]any, len(rec))
		for j, v := range rec {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

// loadAll loads addresses and assets too, in batches.
func (s *Store) loadAll(ctx context.Context, cs []*Customer) error {
	for i := 0; i < len(cs); i += 500 {
		batch := cs[i:min(i+500, len(cs))]
		for _, c := range batch {
			c.Phones, c.Emails, c.Tags = nil, nil, nil
		}
		if err := loadParts(ctx, s.db.Read(), index(batch), true); err != nil {
			return err
		}
	}
	return nil
}
