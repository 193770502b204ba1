package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/qa"
)

const demoScorecard = `# 开场与核实 | 20
- 使用标准问候语并报工号 | 1 | yes_no
- 核实客户身份（姓名、手机号后四位） | 2 | yes_no | critical
# 问题处理 | 60
- 准确判断问题原因 | 3 | scale 5
- 给出清晰的解决步骤或维修安排 | 2 | scale 5
- 正确创建或更新工单 | 1 | yes_no
# 服务态度 | 20
- 语气亲切、耐心倾听 | 1 | scale 5
- 结束语并邀请评价 | 1 | yes_no
`

const demoComplaintCard = `# 投诉受理 | 50
- 致歉并复述客户诉求 | 1 | yes_no
- 告知处理时限 | 1 | yes_no | critical
# 安抚与跟进 | 50
- 情绪安抚 | 1 | scale 5
- 约定回访时间 | 1 | yes_no
`

// loadQA adds two scorecards, analyses the demo recordings, samples this week and last,
// and scores demo calls 2 (disputed by its agent) and 1.
func loadQA(ctx context.Context, s Services) error {
	qaUser, err := s.Auth.UserByUsername(ctx, "qa")
	if err != nil {
		return err
	}
	agent2, err := s.Auth.UserByUsername(ctx, "agent2")
	if err != nil {
		return err
	}
	var cards []*qa.Scorecard
	for _, c := range []struct{ name, desc, text string }{
		{"通用服务质检表", "售前、技术支持和维修进度热线", demoScorecard},
		{"投诉处理质检表", "投诉建议队列", demoComplaintCard},
	} {
		form, err := qa.ParseForm(c.text)
		if err != nil {
			return err
		}
		in := qa.ScorecardInput{Name: c.name, Description: c.desc, Active: true, Form: form, Directions: []string{"inbound"}}
		if c.text == demoComplaintCard {
			in.Queues = []string{"complaints"}
		}
		card, err := s.QA.CreateScorecard(ctx, qaUser.ID, in)
		if err != nil {
			return err
		}
		cards = append(cards, card)
	}
	if _, err := s.QA.AnalyzePending(ctx, 100); err != nil {
		return err
	}
	for _, t := range []time.Time{time.Now().AddDate(0, 0, -7), time.Now()} {
		if _, err := s.QA.SampleWeek(ctx, t); err != nil {
			return err
		}
	}
	p := &auth.Principal{User: qaUser}
	for _, e := range []qa.EvaluationInput{
		{CallID: 2, Comment: "维修进度告知清楚，未邀请评价", Answers: map[string]qa.Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: 4},
			"2.2": {Value: 4}, "2.3": {Value: 1}, "3.1": {Value: 4}, "3.2": {Value: 0, Comment: "结束时未邀请评价"}}},
		{CallID: 1, Comment: "产品介绍准确", Answers: map[string]qa.Answer{"1.1": {Value: 1}, "1.2": {Value: 1}, "2.1": {Value: 5},
			"2.2": {Value: 4}, "2.3": {Value: 1}, "3.1": {Value: 5}, "3.2": {Value: 1}}},
	} {
		e.ScorecardID = cards[0].ID
		if _, err := s.QA.Evaluate(ctx, p, e); err != nil {
			return fmt.Errorf("demo: evaluate call %d: %w", e.CallID, err)
		}
	}
	_, err = s.QA.Dispute(ctx, &auth.Principal{User: agent2}, 1, "通话最后已提醒客户留意短信评价，请复听 03:50 处")
	return err
}
