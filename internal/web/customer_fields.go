package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type fieldsData struct {
	Defs  []crm.FieldDef
	Kinds []string
	Form  crm.FieldDef
	Error string
}

func (c *Console) customerFields(w http.ResponseWriter, r *http.Request) {
	c.renderFields(w, r, http.StatusOK, &fieldsData{Form: crm.FieldDef{Kind: crm.FieldText}})
}

func (c *Console) renderFields(w http.ResponseWriter, r *http.Request, status int, d *fieldsData) {
	var err error
	if d.Defs, err = c.Customers.FieldDefs(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Kinds = crm.FieldKinds
	if edit, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); edit != 0 && d.Form.ID == 0 {
		for _, def := range d.Defs {
			if def.ID == edit {
				d.Form = def
			}
		}
	}
	c.render(w, r, status, "customer_fields", c.page(r, "fields.title", d))
}

// OptionsText is a choice field's options, one per line, for the form.
func (d *fieldsData) OptionsText() string { return strings.Join(d.Form.Options, "\n") }

func (c *Console) saveCustomerField(w http.ResponseWriter, r *http.Request) {
	pos, _ := strconv.Atoi(r.PostFormValue("position"))
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	d := crm.FieldDef{ID: id, Key: r.PostFormValue("key"), LabelZH: r.PostFormValue("label_zh"), LabelEN: r.PostFormValue("label_en"),
		Kind: r.PostFormValue("kind"), Options: strings.Split(r.PostFormValue("options"), "\n"), Position: pos}
	if err := c.Customers.SaveFieldDef(r.Context(), userOf(r).ID, &d); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		c.renderFields(w, r, httpx.Status(errs.CodeOf(err)), &fieldsData{Form: d, Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	http.Redirect(w, r, "/settings/customer-fields?ok=field_saved", http.StatusSeeOther)
}

func (c *Console) deleteCustomerField(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := c.Customers.DeleteFieldDef(r.Context(), userOf(r).ID, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/customer-fields?ok=field_deleted", http.StatusSeeOther)
}
