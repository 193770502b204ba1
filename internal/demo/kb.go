package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/kb"
)

// The demo knowledge of a PC maker's hotline: articles agents look up during calls, call
// scripts for each ticket type, and two announcements (one published, one waiting).

type demoArticle struct {
	category string
	kb.ArticleInput
}

var demoCategories = []struct {
	name, parent string
	position     int
}{
	{"故障排查", "", 1},
	{"电源与电池", "故障排查", 1},
	{"系统与软件", "故障排查", 2},
	{"服务政策", "", 2},
	{"产品与价格", "", 3},
	{"English", "", 4},
}

var demoArticles = []demoArticle{
	{"电源与电池", kb.ArticleInput{Title: "笔记本电池不充电怎么办", Status: kb.Published, Tags: []string{"support", "repair", "电池"}, Body: `客户反映笔记本插上电源后电池不充电、电量不增加时，按以下顺序排查：

1. 确认电源适配器指示灯是否亮起；不亮时换一个插座再试。
2. 查看任务栏电池图标是否显示“已接通电源，未充电”。
3. 在电源管理软件中检查是否开启了**电池养护模式**（充到 60% 或 80% 即停止），关闭后再观察。
4. 关机，拔掉适配器，长按电源键 15 秒释放静电，再接上适配器开机。
5. 仍不充电时，请客户提供产品序列号，登记维修工单。

## 注意
- 如客户描述电池**鼓包、发烫、有异味**，请立即提示停止使用，并按安全事件优先派单。
- 电池属于易耗件，保修期为一年（整机两年）。`}},
	{"故障排查", kb.ArticleInput{Title: "电脑无法开机的排查步骤", Status: kb.Published, Tags: []string{"support", "repair", "开机"}, Body: `先问清现象：按电源键后**完全无反应**、**指示灯亮但黑屏**，还是**出现品牌标志后停住**。

## 完全无反应
1. 确认适配器连接牢固、插座有电。
2. 拔掉所有外接设备（U 盘、扩展坞、外接显示器）。
3. 长按电源键 15 秒放电，再接适配器开机。

## 指示灯亮但黑屏
1. 连接外接显示器，判断是否为屏幕故障。
2. 按 Fn+F7 等屏幕切换键试一次。

## 停在品牌标志
1. 开机时连续按 F2 进入 BIOS，选择“恢复默认设置”并保存。
2. 仍无法进入系统时，参考“蓝屏后无法进入系统”一文。

以上均无效时，登记维修工单，提醒客户提前备份数据。`}},
	{"系统与软件", kb.ArticleInput{Title: "蓝屏后无法进入系统", Status: kb.Published, Tags: []string{"support", "蓝屏", "windows"}, Body: `蓝屏（BSOD）多由驱动冲突、系统更新失败或内存、硬盘故障引起。

1. 请客户记下蓝屏页面上的**终止代码**（如 ` + "`CRITICAL_PROCESS_DIED`" + `），记录到工单。
2. 连续强制关机三次，进入“自动修复”，选择“高级选项 → 启动设置 → 安全模式”。
3. 在安全模式中卸载最近安装的驱动或更新。
4. 仍蓝屏时，可使用“系统还原”回到更新之前。
5. 频繁蓝屏并伴随异响，多为硬盘故障，建议送修。`}},
	{"服务政策", kb.ArticleInput{Title: "整机保修政策", Status: kb.Published, Tags: []string{"presales", "inquiry", "保修"}, Body: `- 整机保修 **两年**，电池、适配器保修 **一年**。
- 保修期从发票日期起算；无发票时按出厂日期后 90 天起算。
- 人为损坏（进水、摔落、私自拆机）不在保修范围内，可提供付费维修。
- 延保服务可在购机后 180 天内购买，最长延至五年。

查询保修状态：请客户提供产品序列号，在服务系统中查询。`}},
	{"服务政策", kb.ArticleInput{Title: "上门维修服务流程", Status: kb.Published, Tags: []string{"repair", "上门"}, Body: `适用于保修期内、所在城市有授权服务站的客户。

1. 坐席核实身份与序列号，确认故障描述。
2. 登记维修工单，派单到客户所在区域的授权服务站。
3. 服务站在 **4 小时内** 电话联系客户预约，**24 小时内**（偏远地区 48 小时）上门。
4. 工程师上门检测，需更换部件时现场更换或带回维修。
5. 维修完成后系统自动发送满意度回访短信。

客户催单时：查询工单进度，超过时限的请升级给服务站负责人。`}},
	{"产品与价格", kb.ArticleInput{Title: "如何查找产品序列号", Status: kb.Published, Tags: []string{"inquiry", "support", "repair", "序列号"}, Body: `序列号（SN）是查询保修、登记维修的依据，通常为 8 到 10 位字母和数字。

- 笔记本：翻到机器底部，标签上“S/N”后的字符。
- 台式机：机箱侧面或背面的标签。
- 能开机时：在 Windows 的命令提示符中输入 ` + "`wmic bios get serialnumber`" + `。
- 包装盒与发票上也印有序列号。

提醒客户读字母时区分数字 0 与字母 O、数字 1 与字母 I。`}},
	{"系统与软件", kb.ArticleInput{Title: "Windows 激活失败的处理", Status: kb.Published, Tags: []string{"support", "windows", "激活"}, Body: `预装正版 Windows 的机器联网后会自动激活，数字许可证绑定在主板上。

1. 确认电脑已联网，时间与日期正确。
2. 打开“设置 → 系统 → 激活”，点击“疑难解答”。
3. 更换过主板的机器需用维修单号联系微软客服重新激活。
4. 客户自行重装了其他版本（如专业版）时，需安装与预装相同的版本。

查看激活状态：在命令提示符输入 ` + "`slmgr /xpr`" + `。`}},
	{"系统与软件", kb.ArticleInput{Title: "驱动程序下载与安装", Status: kb.Published, Tags: []string{"support", "驱动"}, Body: `请引导客户到官网服务页面下载驱动，不要使用第三方驱动工具。

1. 打开 [官网驱动下载](https://support.example.cn/drivers)，输入产品序列号自动识别机型。
2. 按顺序安装：芯片组 → 显卡 → 声卡 → 网卡 → 其他。
3. 每装一个驱动后按提示重启。
4. 也可使用预装的“电脑管家”一键更新驱动。`}},
	{"服务政策", kb.ArticleInput{Title: "退换货政策", Status: kb.Published, Tags: []string{"presales", "complaint", "退货", "换货"}, Body: `- 官方商城购买：签收后 **7 天内** 无理由退货（包装、配件齐全，未激活系统）。
- 签收后 **15 天内** 出现性能故障，经检测确认后可换新机。
- 经销商处购买：由经销商按同一政策办理，客户有异议时登记投诉工单。
- 定制机型、已激活的软件不支持无理由退货。

退款在收到退货并检测后 3 到 5 个工作日原路返回。`}},
	{"产品与价格", kb.ArticleInput{Title: "2026 年春季价格调整说明", Status: kb.Published, Tags: []string{"presales", "价格"}, Body: `自 2026 年 3 月 1 日起，部分机型官方指导价调整如下：

- E14 Gen 5（i5/16G/512G）：5499 元 → **5199 元**
- ThinkPad X1 Carbon（i7/32G/1T）：12999 元 → **11999 元**
- 台式机 M70t：价格不变

已在 3 月 1 日前 15 天内购买的客户，可凭订单申请价保差价退款。`}},
	{"服务政策", kb.ArticleInput{Title: "投诉受理与升级流程", Status: kb.Published, Tags: []string{"complaint", "投诉"}, Body: `1. 耐心听完客户诉求，不打断、不争辩，复述确认问题。
2. 登记投诉工单，注明客户期望的处理结果。
3. 一般投诉 24 小时内回复客户；涉及安全、媒体、12315 的投诉立即升级给值班主管。
4. 处理结果须经客户确认后才能结案，结案前由质检复核。`}},
	{"English", kb.ArticleInput{Title: "Battery not charging on ThinkPad X1", Status: kb.Published, Tags: []string{"support", "battery"}, Body: `1. Check that the AC adapter LED is on; try another wall socket.
2. Turn off **battery conservation mode** in the power manager (it stops charging at 60% or 80%).
3. Shut down, unplug the adapter, hold the power button for 15 seconds, then plug in and start.
4. If it still does not charge, take the serial number and open a repair ticket.

A swollen or hot battery is a safety issue: tell the customer to stop using it at once.`}},
	{"English", kb.ArticleInput{Title: "How to find the serial number", Status: kb.Published, Tags: []string{"inquiry", "serial"}, Body: `- Laptops: the label under the machine, after "S/N".
- Desktops: the label on the side or back of the case.
- In Windows: run ` + "`wmic bios get serialnumber`" + ` in a command prompt.
- The box and the invoice also show it.`}},
	{"English", kb.ArticleInput{Title: "Warranty policy overview", Status: kb.Published, Tags: []string{"presales", "inquiry", "warranty"}, Body: `The whole machine has a **two-year** warranty; battery and adapter have one year. The warranty starts on the invoice date. Accidental damage (liquid, drops, opening the case) is not covered but can be repaired for a fee. Extended warranty can be bought within 180 days of purchase.`}},
	{"产品与价格", kb.ArticleInput{Title: "E14 Gen 6 新品配置说明（待发布）", Status: kb.Draft, Tags: []string{"presales"}, Body: `E14 Gen 6 预计 4 月上市，配置与价格以正式公告为准。`}},
}

var demoScripts = map[string]map[string]string{
	"": {
		"greeting": "您好，欢迎致电服务热线，我是工号 {工号} 的客服，很高兴为您服务。请问有什么可以帮您？",
		"verify":   "为了保护您的信息安全，请提供您的姓名和预留的手机号码。",
		"close":    "请问还有其他可以帮您的吗？感谢您的来电，稍后可能会有满意度回访短信，祝您生活愉快，再见！",
	},
	"presales": {
		"diagnose": "请问您主要用电脑做什么：办公、设计还是游戏？预算大概是多少？对重量和续航有要求吗？",
		"offer":    "根据您的需求，推荐您考虑 E14 或 X1 Carbon，我把配置和官方价格发短信给您，您可以在官方商城或就近门店购买。",
	},
	"support": {
		"verify":   "请提供产品序列号，在机器底部标签 S/N 之后。",
		"diagnose": "请描述一下故障现象：什么时候开始的？出现前是否安装过软件或更新？屏幕上有没有提示信息？",
		"offer":    "我们先按步骤试一下。如果仍无法解决，我为您登记维修工单，由工程师跟进。",
	},
	"repair": {
		"verify":   "请提供产品序列号和购买日期，我为您查询保修状态。",
		"diagnose": "请问机器是什么故障？是否有进水、摔落或拆机的情况？",
		"offer":    "已为您登记维修，当地服务站会在 4 小时内联系您预约上门，请保持电话畅通，维修前请备份好重要数据。",
		"close":    "您的工单号已发送到手机，可随时来电或在微信公众号查询进度。感谢您的耐心，再见！",
	},
	"inquiry": {
		"diagnose": "请问您想查询的是保修状态、维修进度还是订单物流？",
		"offer":    "查询结果是……如有变化我们会短信通知您。",
	},
	"complaint": {
		"greeting": "您好，非常抱歉给您带来不便，我会认真记录您的问题并尽快处理。",
		"diagnose": "请您详细说一下经过，以及希望我们如何处理。",
		"offer":    "您的投诉已登记，专人会在 24 小时内联系您反馈处理结果。",
		"close":    "再次向您致歉，感谢您的监督，我们会尽快给您答复。",
	},
	"suggestion": {
		"diagnose": "感谢您的建议，请问是关于产品、服务还是网站的？",
		"offer":    "您的建议已记录并转交相关部门，感谢您帮助我们改进。",
	},
}

// loadKB writes the demo knowledge through the kb service as the demo staff.
func loadKB(ctx context.Context, k *kb.Service, staff map[string]*auth.User) error {
	expert, supervisor, admin := staff["expert"], staff["supervisor"], staff["admin"]
	cats := map[string]int64{}
	for _, c := range demoCategories {
		made, err := k.CreateCategory(ctx, expert, kb.CategoryInput{Name: c.name, ParentID: cats[c.parent], Position: c.position})
		if err != nil {
			return fmt.Errorf("demo: category %s: %w", c.name, err)
		}
		cats[c.name] = made.ID
	}
	var firstID int64
	for _, a := range demoArticles {
		in := a.ArticleInput
		in.CategoryID = cats[a.category]
		made, err := k.CreateArticle(ctx, expert, in)
		if err != nil {
			return fmt.Errorf("demo: article %s: %w", in.Title, err)
		}
		if firstID == 0 {
			firstID = made.ID
		}
	}
	// The first article has a second version, so its history shows a change.
	first := demoArticles[0].ArticleInput
	first.CategoryID = cats[demoArticles[0].category]
	first.Body += "\n\n更换电池请到授权服务站，切勿自行拆机。"
	first.Note = "补充更换电池的提醒"
	if _, err := k.UpdateArticle(ctx, supervisor, firstID, first); err != nil {
		return fmt.Errorf("demo: second version: %w", err)
	}
	for typ, steps := range demoScripts {
		for _, step := range kb.Steps {
			if body, ok := steps[step]; ok {
				if err := k.SaveScript(ctx, expert, typ, step, body); err != nil {
					return fmt.Errorf("demo: script %s %s: %w", typ, step, err)
				}
			}
		}
	}
	// Announcement 1 waits for review; announcement 2 is published.
	if _, err := k.PostAnnouncement(ctx, expert, kb.AnnouncementInput{Kind: kb.KindPromotion, Source: "市场部",
		Title: "E14 Gen 6 上市首发促销", Body: "4 月 1 日至 4 月 30 日，官方商城购买 E14 Gen 6 赠送原装鼠标和一年延保。"}); err != nil {
		return fmt.Errorf("demo: announcement: %w", err)
	}
	now := time.Now()
	price, err := k.PostAnnouncement(ctx, supervisor, kb.AnnouncementInput{Kind: kb.KindPrice, Source: "产品部",
		Title: "关于 2026 年春季部分机型价格调整的通知", EffectiveFrom: now.AddDate(0, 0, -1), EffectiveTo: now.AddDate(0, 2, 0),
		Body: "自即日起 E14 Gen 5 官方指导价调整为 5199 元，X1 Carbon（i7/32G/1T）调整为 11999 元。\n\n此前 15 天内购买的客户可申请价保，详见知识库“2026 年春季价格调整说明”。"})
	if err != nil {
		return fmt.Errorf("demo: announcement: %w", err)
	}
	if err := k.Approve(ctx, admin, price.ID); err != nil {
		return fmt.Errorf("demo: approve announcement: %w", err)
	}
	return nil
}
