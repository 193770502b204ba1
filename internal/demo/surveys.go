package demo

import (
	"context"
	"fmt"

	"github.com/hotlinecc/hotline/internal/survey"
)

// loadSurveys adds two questionnaires, the keypad rating on the repair queue, and a few
// answered and open invitations and keypad ratings so the results page has figures.
func loadSurveys(ctx context.Context, s Services, userIDs, queueIDs map[string]int64) error {
	st := s.Surveys
	service, err := st.CreateQuestionnaire(ctx, userIDs["admin"], survey.QuestionnaireInput{Name: "服务满意度回访", Questions: []survey.Question{
		{Kind: survey.Rating, Text: [2]string{"您对本次服务是否满意？", "How satisfied are you with our service?"}, Required: true,
			Branches: []survey.Branch{{When: "4-5", Goto: 3}}},
		{Kind: survey.Text, Text: [2]string{"请告诉我们哪里需要改进。", "Please tell us what we should improve."}},
		{Kind: survey.NPS, Text: [2]string{"您有多大可能向朋友推荐华强服务？", "How likely are you to recommend Huaqiang service to a friend?"}},
	}})
	if err != nil {
		return fmt.Errorf("demo: questionnaire: %w", err)
	}
	if _, err := st.CreateQuestionnaire(ctx, userIDs["admin"], survey.QuestionnaireInput{Name: "维修体验调查", Questions: []survey.Question{
		{Kind: survey.Single, Text: [2]string{"维修是否一次修好？", "Was the repair done right the first time?"}, Options: [][2]string{{"是", "Yes"}, {"否", "No"}}, Required: true},
		{Kind: survey.Multi, Text: [2]string{"您通过哪些渠道联系过我们？", "How did you contact us?"}, Options: [][2]string{{"电话", "Phone"}, {"微信", "WeChat"}, {"门店", "Store"}}},
		{Kind: survey.Rating, Text: [2]string{"请为维修站打分。", "Please rate the repair station."}},
	}}); err != nil {
		return fmt.Errorf("demo: questionnaire: %w", err)
	}
	if err := st.SaveQueueSetting(ctx, survey.QueueSetting{Queue: "repair", Enabled: true, SamplePercent: 100, Language: "zh"}); err != nil {
		return fmt.Errorf("demo: keypad setting: %w", err)
	}
	cfg, err := st.Config(ctx)
	if err != nil {
		return err
	}
	cfg.FollowupUserID, cfg.CallbackQueueID, cfg.CallbackQuestionnaireID = userIDs["supervisor"], queueIDs["repair"], service.ID
	if err := st.SaveConfig(ctx, cfg); err != nil {
		return fmt.Errorf("demo: survey config: %w", err)
	}
	agents := []string{"agent1", "agent2", "senior1"}
	for i := range 8 {
		inv, err := st.Invite(ctx, userIDs["agent1"], survey.InviteInput{QuestionnaireID: service.ID, CustomerID: int64(i + 1), AgentID: userIDs[agents[i%3]],
			Queue: "repair", Language: []string{"zh", "en"}[i%2], Channel: []string{survey.ChannelLink, survey.ChannelCallback}[min(i, 1)%2]})
		if err != nil {
			return fmt.Errorf("demo: invitation: %w", err)
		}
		if i < 2 || i%3 == 0 {
			continue // left open: the response rate is not 100 %
		}
		score := []string{"5", "4", "2", "5", "3", "4"}[i%6]
		answers := map[string]string{"q1": score, "q2": "等待时间太长了", "q3": fmt.Sprint(6 + i%5)}
		if inv.Channel == survey.ChannelCallback {
			_, err = st.AnswerCallback(ctx, userIDs["agent1"], inv.ID, answers)
		} else {
			_, err = st.Submit(ctx, inv.Token, answers)
		}
		if err != nil {
			return fmt.Errorf("demo: answer: %w", err)
		}
	}
	for i, score := range []int{5, 4, 5, 3, 4, 5, 1, 4} {
		if _, err := st.RecordKeypad(ctx, survey.CallInfo{AgentID: userIDs[agents[i%3]], CustomerID: int64(20 + i), Queue: "repair"}, score, 0); err != nil {
			return fmt.Errorf("demo: keypad rating: %w", err)
		}
	}
	return nil
}
