// Package report computes the center's KPIs from the stored call records and tickets:
// one source for the live console and for history. Call statistics are pre-aggregated
// by Rollup into one row per 15-minute interval (UTC), queue and agent; queries add the
// rows up into 15/30/60-minute, day, week or month buckets in the center's time zone.
// Ticket KPIs are counted from the tickets table directly. Every KPI is defined once,
// in Defs: its name, its formula in Chinese and English, its unit, and the function
// that computes it from the counts, so the definitions page and the numbers agree.
package report

import "math"

// Unit is how a KPI's value reads.
type Unit string

const (
	UnitCount   Unit = "count"
	UnitPercent Unit = "percent" // a fraction in [0, 1], shown as a percentage
	UnitSeconds Unit = "seconds"
	UnitHours   Unit = "hours"
	UnitMoney   Unit = "money" // in the cost model's currency
	UnitMinutes Unit = "minutes"
)

// ShortAbandon is the wait under which an abandoned call counts as a short abandon
// (a misdial or a caller who changed their mind), left out of one service level.
const ShortAbandon = 5 // seconds

// DefaultSLSeconds is the service-level threshold of calls whose queue is unknown.
const DefaultSLSeconds = 30

// Counts are the sums the call KPIs are computed from: the columns of report_intervals.
type Counts struct {
	Calls          int64 `json:"calls"`           // ended inbound calls, any outcome
	Offered        int64 `json:"offered"`         // calls that reached a queue
	Answered       int64 `json:"answered"`        // offered calls an agent answered
	AnsweredInSL   int64 `json:"answered_in_sl"`  // answered within the queue's service-level threshold
	Abandoned      int64 `json:"abandoned"`       // offered calls whose caller hung up waiting
	AbandonedShort int64 `json:"abandoned_short"` // abandoned within ShortAbandon seconds
	Voicemail      int64 `json:"voicemail"`       // calls that ended in a voicemail
	Blocked        int64 `json:"blocked"`         // calls refused by the blocklist
	RepeatCalls    int64 `json:"repeat_calls"`    // calls from a caller who had contacted within the repeat window
	RepeatAnswered int64 `json:"repeat_answered"` // answered calls that were repeat calls
	Transferred    int64 `json:"transferred"`     // calls with a transfer in their queue events
	WaitAnswered   int64 `json:"wait_answered"`   // seconds answered calls waited in queue
	WaitAbandoned  int64 `json:"wait_abandoned"`  // seconds abandoned calls waited before hanging up
	TalkSeconds    int64 `json:"talk_seconds"`    // seconds of conversation of answered calls (hold included)
	WrapSeconds    int64 `json:"wrap_seconds"`    // the queues' wrap-up seconds, once per answered call
	TrunkMinutes   int64 `json:"trunk_minutes"`   // each call's duration rounded up to whole minutes
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Calls += o.Calls
	c.Offered += o.Offered
	c.Answered += o.Answered
	c.AnsweredInSL += o.AnsweredInSL
	c.Abandoned += o.Abandoned
	c.AbandonedShort += o.AbandonedShort
	c.Voicemail += o.Voicemail
	c.Blocked += o.Blocked
	c.RepeatCalls += o.RepeatCalls
	c.RepeatAnswered += o.RepeatAnswered
	c.Transferred += o.Transferred
	c.WaitAnswered += o.WaitAnswered
	c.WaitAbandoned += o.WaitAbandoned
	c.TalkSeconds += o.TalkSeconds
	c.WrapSeconds += o.WrapSeconds
	c.TrunkMinutes += o.TrunkMinutes
}

// Basis is what a call KPI is computed from: the counts of a row, and for the cost
// KPIs the seat hours the row stands for (0 when the row is one queue or agent, whose
// share of the seats is not known) and the cost model.
type Basis struct {
	Counts
	SeatHours float64
	Cost      CostModel
}

// Def defines one KPI.
type Def struct {
	ID        string
	Unit      Unit
	NameEN    string
	NameZH    string
	FormulaEN string
	FormulaZH string
	// Value computes the KPI of a row; ok is false when it is undefined (a ratio over
	// zero calls). Nil for ticket KPIs, which Tickets computes.
	Value func(b Basis) (v float64, ok bool)
	// Ticket marks the ticket KPIs.
	Ticket bool
}

// Name returns the KPI's name in lang ("en" or zh-CN).
func (d Def) Name(lang string) string {
	if lang == "en" {
		return d.NameEN
	}
	return d.NameZH
}

// Formula returns the KPI's formula in lang.
func (d Def) Formula(lang string) string {
	if lang == "en" {
		return d.FormulaEN
	}
	return d.FormulaZH
}

func count(f func(c Counts) int64) func(Basis) (float64, bool) {
	return func(b Basis) (float64, bool) { return float64(f(b.Counts)), true }
}

func ratio(num, den float64) (float64, bool) {
	if den <= 0 {
		return 0, false
	}
	return num / den, true
}

// Defs lists every KPI, call KPIs first, in the order reports show them.
var Defs = []Def{
	{ID: "calls", Unit: UnitCount, NameEN: "Inbound calls", NameZH: "呼入总量",
		FormulaEN: "Inbound calls that started in the period and have ended, whatever their outcome (IVR only, queued, blocked...).",
		FormulaZH: "统计期内开始且已结束的呼入电话数，不论结果（仅 IVR、进入队列、被拦截等）。",
		Value:     count(func(c Counts) int64 { return c.Calls })},
	{ID: "offered", Unit: UnitCount, NameEN: "Offered", NameZH: "进线量",
		FormulaEN: "Inbound calls that reached a queue (have a queued time). Calls are counted in the interval in which they started.",
		FormulaZH: "进入队列（有排队时间）的呼入电话数。电话按开始时间计入时段。",
		Value:     count(func(c Counts) int64 { return c.Offered })},
	{ID: "answered", Unit: UnitCount, NameEN: "Answered", NameZH: "接通量",
		FormulaEN: "Offered calls that an agent answered.",
		FormulaZH: "进线电话中被坐席接听的数量。",
		Value:     count(func(c Counts) int64 { return c.Answered })},
	{ID: "answer_rate", Unit: UnitPercent, NameEN: "Answer rate", NameZH: "接通率",
		FormulaEN: "Answered ÷ Offered.",
		FormulaZH: "接通量 ÷ 进线量。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.Answered), float64(b.Offered)) }},
	{ID: "service_level", Unit: UnitPercent, NameEN: "Service level", NameZH: "服务水平",
		FormulaEN: "Calls answered within the queue's threshold (its sl_seconds, default 30 s; wait ≤ threshold) ÷ Offered. Abandoned calls count against it, short ones too.",
		FormulaZH: "在队列阈值内接通的电话数（队列的 sl_seconds，默认 30 秒；等待 ≤ 阈值）÷ 进线量。放弃的电话（含短时放弃）计入分母。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.AnsweredInSL), float64(b.Offered)) }},
	{ID: "service_level_excl", Unit: UnitPercent, NameEN: "Service level (excl. short abandons)", NameZH: "服务水平（剔除短时放弃）",
		FormulaEN: "Calls answered within the threshold ÷ (Offered − calls abandoned within 5 s).",
		FormulaZH: "阈值内接通的电话数 ÷（进线量 − 等待 5 秒内放弃的电话数）。",
		Value: func(b Basis) (float64, bool) {
			return ratio(float64(b.AnsweredInSL), float64(b.Offered-b.AbandonedShort))
		}},
	{ID: "abandoned", Unit: UnitCount, NameEN: "Abandoned", NameZH: "放弃量",
		FormulaEN: "Offered calls whose caller hung up while waiting in queue.",
		FormulaZH: "进线后在队列等待中挂断的电话数。",
		Value:     count(func(c Counts) int64 { return c.Abandoned })},
	{ID: "abandon_rate", Unit: UnitPercent, NameEN: "Abandon rate", NameZH: "放弃率",
		FormulaEN: "Abandoned ÷ Offered.",
		FormulaZH: "放弃量 ÷ 进线量。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.Abandoned), float64(b.Offered)) }},
	{ID: "short_abandons", Unit: UnitCount, NameEN: "Short abandons", NameZH: "短时放弃",
		FormulaEN: "Abandoned calls that waited less than 5 s.",
		FormulaZH: "等待不足 5 秒即放弃的电话数。",
		Value:     count(func(c Counts) int64 { return c.AbandonedShort })},
	{ID: "asa", Unit: UnitSeconds, NameEN: "Average speed of answer", NameZH: "平均应答速度",
		FormulaEN: "Sum of the queue waits of answered calls ÷ Answered.",
		FormulaZH: "接通电话的排队等待时长之和 ÷ 接通量。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.WaitAnswered), float64(b.Answered)) }},
	{ID: "avg_abandon_wait", Unit: UnitSeconds, NameEN: "Average wait before abandoning", NameZH: "平均放弃等待",
		FormulaEN: "Sum of the waits of abandoned calls ÷ Abandoned.",
		FormulaZH: "放弃电话的等待时长之和 ÷ 放弃量。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.WaitAbandoned), float64(b.Abandoned)) }},
	{ID: "aht", Unit: UnitSeconds, NameEN: "Average handle time", NameZH: "平均处理时长",
		FormulaEN: "(Talk time + wrap-up time) ÷ Answered. Talk time includes hold (hold is not recorded apart); wrap-up is the queue's configured wrap-up time per answered call (after-call work is not measured yet).",
		FormulaZH: "（通话时长 + 话后处理时长）÷ 接通量。通话时长含保持（保持未单独记录）；话后处理按队列配置的话后时长计，每通接通电话一次（实际话后工作尚未计量）。",
		Value: func(b Basis) (float64, bool) {
			return ratio(float64(b.TalkSeconds+b.WrapSeconds), float64(b.Answered))
		}},
	{ID: "fcr", Unit: UnitPercent, NameEN: "First-contact resolution", NameZH: "首次解决率",
		FormulaEN: "(Answered − answered repeat calls) ÷ Answered: a call that does not need another contact within the repeat window (config repeat_window) counts as resolved at first contact, so every repeat call marks one earlier contact as unresolved.",
		FormulaZH: "（接通量 − 接通的重复来电数）÷ 接通量：在重复来电窗口（配置 repeat_window）内没有再次来电即视为首次解决，每个重复来电即表示此前有一次联系未解决。",
		Value: func(b Basis) (float64, bool) {
			return ratio(float64(b.Answered-b.RepeatAnswered), float64(b.Answered))
		}},
	{ID: "repeat_rate", Unit: UnitPercent, NameEN: "Repeat-contact rate", NameZH: "重复来电率",
		FormulaEN: "Repeat calls (the caller had contacted within the repeat window) ÷ Inbound calls.",
		FormulaZH: "重复来电数（来电者在重复来电窗口内联系过）÷ 呼入总量。",
		Value:     func(b Basis) (float64, bool) { return ratio(float64(b.RepeatCalls), float64(b.Calls)) }},
	{ID: "transferred", Unit: UnitCount, NameEN: "Transfers", NameZH: "转接量",
		FormulaEN: "Calls with a transfer in their queue events.",
		FormulaZH: "队列事件中有转接的电话数。",
		Value:     count(func(c Counts) int64 { return c.Transferred })},
	{ID: "blocked", Unit: UnitCount, NameEN: "Blocked calls", NameZH: "拦截量",
		FormulaEN: "Calls refused by the blocklist.",
		FormulaZH: "被黑名单拒绝的电话数。",
		Value:     count(func(c Counts) int64 { return c.Blocked })},
	{ID: "voicemail", Unit: UnitCount, NameEN: "Voicemails", NameZH: "留言量",
		FormulaEN: "Calls that ended in a voicemail.",
		FormulaZH: "以留言结束的电话数。",
		Value:     count(func(c Counts) int64 { return c.Voicemail })},
	{ID: "trunk_minutes", Unit: UnitMinutes, NameEN: "Trunk minutes", NameZH: "中继分钟数",
		FormulaEN: "Sum over calls of (end − start) rounded up to whole minutes.",
		FormulaZH: "各通电话（结束 − 开始）向上取整到分钟后求和。",
		Value:     count(func(c Counts) int64 { return c.TrunkMinutes })},
	{ID: "cost_per_contact", Unit: UnitMoney, NameEN: "Cost per contact", NameZH: "单次联系成本",
		FormulaEN: "(Seats × hours in the period × seat hour cost + trunk minutes × trunk minute cost) ÷ Answered. Shown for the whole center only (a queue's or agent's share of the seats is not known), once a cost model is saved.",
		FormulaZH: "（坐席数 × 统计期小时数 × 坐席小时成本 + 中继分钟数 × 中继分钟成本）÷ 接通量。仅对全中心计算（单个队列或坐席分摊的坐席数未知），且须先保存成本模型。",
		Value: func(b Basis) (float64, bool) {
			if b.SeatHours <= 0 || b.Cost == (CostModel{Currency: b.Cost.Currency}) {
				return 0, false // a queue or agent, or no cost model saved
			}
			cost := b.SeatHours*float64(b.Cost.Seats)*b.Cost.SeatHourCost + float64(b.TrunkMinutes)*b.Cost.TrunkMinuteCost
			return ratio(cost, float64(b.Answered))
		}},

	{ID: "tickets_created", Unit: UnitCount, Ticket: true, NameEN: "Tickets created", NameZH: "新建工单",
		FormulaEN: "Tickets created in the period.", FormulaZH: "统计期内新建的工单数。"},
	{ID: "tickets_closed", Unit: UnitCount, Ticket: true, NameEN: "Tickets closed", NameZH: "关闭工单",
		FormulaEN: "Tickets closed in the period (closed time inside it).", FormulaZH: "统计期内关闭（关闭时间在统计期内）的工单数。"},
	{ID: "backlog", Unit: UnitCount, Ticket: true, NameEN: "Backlog at end", NameZH: "期末积压",
		FormulaEN: "Tickets created before the end of the period and not closed by then.",
		FormulaZH: "统计期结束前创建且截至期末尚未关闭的工单数。"},
	{ID: "sla_met", Unit: UnitPercent, Ticket: true, NameEN: "SLA met", NameZH: "SLA 达成率",
		FormulaEN: "Tickets resolved in the period (resolved time, or closed time when never marked resolved) whose type sets a resolution target, resolved within it ÷ those tickets. The target counts business time in the type's calendar (else the center's first calendar, else around the clock); time waiting on the customer does not count — the same clock as the ticket's SLA badge.",
		FormulaZH: "统计期内解决（以解决时间计，未标记解决的以关闭时间计）且工单类型设有解决时限的工单中，在时限内解决的数量 ÷ 这些工单数。时限按工单类型的工作日历计（无则用中心第一个日历，再无则全天计时），等待客户的时间不计 —— 与工单上的 SLA 标记同一时钟。"},
	{ID: "first_response_met", Unit: UnitPercent, Ticket: true, NameEN: "First response within target", NameZH: "首次响应达标率",
		FormulaEN: "Tickets first responded to in the period (first public note or reply by staff) whose type sets a first-response target, responded within it ÷ those tickets. Same clock as SLA met. A ticket still waiting for its first response is not counted until it gets one (it shows in the backlog).",
		FormulaZH: "统计期内首次响应（员工第一次公开备注或答复）且工单类型设有首次响应时限的工单中，在时限内响应的数量 ÷ 这些工单数。计时规则同 SLA 达成率。尚未首次响应的工单在响应前不计入（计入期末积压）。"},
	{ID: "complaints_created", Unit: UnitCount, Ticket: true, NameEN: "Complaints created", NameZH: "新建投诉",
		FormulaEN: "Tickets of a complaint type created in the period.", FormulaZH: "统计期内新建的投诉类工单数。"},
	{ID: "complaint_closure_rate", Unit: UnitPercent, Ticket: true, NameEN: "Complaint closure rate", NameZH: "投诉结案率",
		FormulaEN: "Complaints created in the period and closed by its end ÷ complaints created in the period. The rule is 100 %: every complaint is closed.",
		FormulaZH: "统计期内新建且在期末前关闭的投诉数 ÷ 统计期内新建的投诉数。要求 100%：每件投诉都要结案。"},
	{ID: "complaint_cycle_hours", Unit: UnitHours, Ticket: true, NameEN: "Complaint cycle time", NameZH: "投诉处理周期",
		FormulaEN: "Average of (closed − created) over complaints closed in the period, in hours.",
		FormulaZH: "统计期内关闭的投诉，（关闭时间 − 创建时间）的平均值，单位小时。"},
}

// DefOf returns the KPI with the id, and whether it exists.
func DefOf(id string) (Def, bool) {
	for _, d := range Defs {
		if d.ID == id {
			return d, true
		}
	}
	return Def{}, false
}

// Value returns the KPI id of a row; ok is false when it is undefined or unknown.
func (b Basis) Value(id string) (float64, bool) {
	d, ok := DefOf(id)
	if !ok || d.Value == nil {
		return 0, false
	}
	v, ok := d.Value(b)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}
