package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
)

// Surnames by frequency in China, most common first, so the demo has the many 王, 李 and
// 张 that make search by name realistic.
var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"}

var givenChars = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "建", "文", "辉", "鹏", "宇", "浩", "欣", "婷", "雪", "琳", "晨", "博", "思"}

var englishFirst = []string{"Emily", "James", "Olivia", "Daniel", "Sophia", "Michael", "Grace", "David", "Chloe", "Kevin", "Linda", "Jason"}
var englishLast = []string{"Smith", "Chen", "Wong", "Brown", "Lee", "Taylor", "Müller", "Garcia", "Lin", "Walker"}

type city struct {
	name, area string // area code with trunk 0
	province   string
	postal     string
	districts  []string
}

var cities = []city{
	{"北京", "010", "北京市", "100080", []string{"海淀区", "朝阳区", "东城区"}},
	{"上海", "021", "上海市", "200120", []string{"浦东新区", "徐汇区", "静安区"}},
	{"广州", "020", "广东省", "510620", []string{"天河区", "越秀区", "海珠区"}},
	{"深圳", "0755", "广东省", "518048", []string{"福田区", "南山区", "罗湖区"}},
	{"武汉", "027", "湖北省", "430074", []string{"洪山区", "武昌区", "江汉区"}},
	{"成都", "028", "四川省", "610041", []string{"武侯区", "锦江区", "高新区"}},
	{"杭州", "0571", "浙江省", "310012", []string{"西湖区", "滨江区", "上城区"}},
	{"南京", "025", "江苏省", "210008", []string{"鼓楼区", "玄武区", "建邺区"}},
	{"西安", "029", "陕西省", "710061", []string{"雁塔区", "碑林区", "未央区"}},
	{"天津", "022", "天津市", "300100", []string{"和平区", "南开区", "河西区"}},
}

var streets = []string{"中山路", "人民路", "解放大道", "建设路", "科技园路", "长江路", "和平街", "光明大道"}

var models = []string{"ThinkPad X1 Carbon", "ThinkPad T14", "小新 Pro 14", "拯救者 Y9000P", "ThinkCentre M90", "YOGA Air 15"}

var industries = []string{"零售", "教育", "制造", "政府", "金融"}

// m2y is the warranty in years of a model: business lines get three, consumer lines two.
func m2y(model string) int {
	if strings.HasPrefix(model, "Think") {
		return 3
	}
	return 2
}

// serial is a unique 7-character serial number such as PF3K2Q8.
func serial(rng *rand.Rand, used map[string]bool) string {
	const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	for {
		b := []byte("PF")
		for i := 0; i < 5; i++ {
			b = append(b, chars[rng.IntN(len(chars))])
		}
		if s := string(b); !used[s] {
			used[s] = true
			return s
		}
	}
}

func demoTags(rng *rand.Rand, c *crm.Customer) []string {
	var tags []string
	if c.Company != "" {
		tags = append(tags, "企业客户")
	}
	for _, t := range []struct {
		tag string
		pct int
	}{{"老客户", 25}, {"投诉过", 5}, {"以旧换新", 8}} {
		if rng.IntN(100) < t.pct {
			tags = append(tags, t.tag)
		}
	}
	return tags
}

var companies = []string{"", "", "", "", "北京星辰科技有限公司", "上海浦江贸易有限公司", "广州南方物流有限公司", "深圳创新电子有限公司", "武汉光谷软件园", "成都天府教育集团"}

var mobilePrefixes = []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "176", "177", "180", "186", "187", "188", "189", "199"}

// Customers returns n generated customers with unique phone numbers: mostly Chinese names
// of two or three characters, some English names, mobiles, some office landlines with
// their area codes, emails, companies and VIP levels.
func Customers(rng *rand.Rand, n int) []*crm.Customer {
	used := map[string]bool{}
	unique := func(gen func() string) string {
		for {
			if s := gen(); !used[s] {
				used[s] = true
				return s
			}
		}
	}
	var out []*crm.Customer
	for i := 0; i < n; i++ {
		c := &crm.Customer{}
		ct := cities[rng.IntN(len(cities))]
		c.City = ct.name
		english := rng.IntN(100) < 12
		if english {
			c.Name = englishFirst[rng.IntN(len(englishFirst))] + " " + englishLast[rng.IntN(len(englishLast))]
		} else {
			c.Name = surnames[rng.IntN(len(surnames))] + givenChars[rng.IntN(len(givenChars))]
			if rng.IntN(100) < 55 {
				c.Name += givenChars[rng.IntN(len(givenChars))]
			}
		}
		mobile := unique(func() string {
			return mobilePrefixes[rng.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", rng.IntN(100000000))
		})
		c.Phones = append(c.Phones, crm.Phone{Number: mobile, Label: "mobile"})
		c.Company = companies[rng.IntN(len(companies))]
		if c.Company != "" || rng.IntN(100) < 10 {
			digits := 8
			if len(ct.area) == 4 {
				digits = 7 + rng.IntN(2)
			}
			office := unique(func() string {
				return ct.area + "-" + fmt.Sprint(2+rng.IntN(7)) + fmt.Sprintf("%0*d", digits-1, rng.IntN(pow10(digits-1)))
			})
			c.Phones = append(c.Phones, crm.Phone{Number: office, Label: "office"})
		}
		if english || rng.IntN(100) < 30 {
			local := fmt.Sprintf("user%03d", i)
			if english {
				local = strings.ToLower(strings.Fields(c.Name)[0]) + fmt.Sprint(i)
			}
			c.Emails = []string{local + "@example.com"}
		}
		c.Tags = demoTags(rng, c)
		if rng.IntN(100) < 60 {
			c.Addresses = []crm.Address{{Label: "home", Province: ct.province, City: ct.name + "市", District: ct.districts[rng.IntN(len(ct.districts))],
				Street: streets[rng.IntN(len(streets))] + fmt.Sprintf(" %d 号", 1+rng.IntN(300)), PostalCode: ct.postal}}
		}
		if rng.IntN(100) < 70 {
			m := models[rng.IntN(len(models))]
			bought := time.Date(2022+rng.IntN(4), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
			c.Assets = []crm.Asset{{Kind: crm.AssetDevice, Number: serial(rng, used), Product: m,
				PurchasedOn: bought.Format("2006-01-02"), WarrantyEnd: bought.AddDate(m2y(m), 0, -1).Format("2006-01-02")}}
		}
		if c.Company != "" {
			c.Fields = map[string]string{"industry": industries[rng.IntN(len(industries))]}
		}
		switch r := rng.IntN(100); {
		case r < 2:
			c.VIPLevel = 3
		case r < 5:
			c.VIPLevel = 2
		case r < 10:
			c.VIPLevel = 1
		}
		out = append(out, c)
	}
	return out
}

func pow10(n int) int {
	p := 1
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}
