package ivr

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"regexp"
	"time"
)

// DemoRepairPath is where a demo server answers repair-status lookups.
const DemoRepairPath = "/ivr/demo/repair-status"

var demoPhone = regexp.MustCompile(`^\+?[0-9]{5,20}$`)

// DemoRepairStatus answers the demo hotline's lookup: GET ?phone=13800138000 gives
// {"phone","order","status","status_en","eta"} for a repair order made up from the
// number, the same for a number every time; some numbers have no order (404). It is
// served only by a server started with --demo, as a stand-in for a real order system.
func DemoRepairStatus(now func() time.Time, loc *time.Location) http.Handler {
	statuses := []struct{ zh, en string }{
		{"已受理，等待检测", "received, waiting for diagnosis"},
		{"维修中", "being repaired"},
		{"等待配件", "waiting for parts"},
		{"已修好，请到店取机", "repaired and ready for pickup"},
		{"已寄出", "shipped back to you"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		phone := r.URL.Query().Get("phone")
		if !demoPhone.MatchString(phone) {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "phone must be 5 to 20 digits"})
			return
		}
		h := fnv.New32a()
		h.Write([]byte(phone))
		n := h.Sum32()
		if n%7 == 0 {
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]string{"error": "no repair order for this number"})
			return
		}
		s := statuses[n%uint32(len(statuses))]
		eta := now().In(loc).AddDate(0, 0, int(n%5)+1).Format(time.DateOnly)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.Encode(map[string]string{"phone": phone, "order": "WX" + eta[:4] + eta[5:7] + phone[len(phone)-4:],
			"status": s.zh, "status_en": s.en, "eta": eta})
	})
}
