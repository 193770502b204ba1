package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

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
}

var cities = []city{{"北京", "010"}, {"上海", "021"}, {"广州", "020"}, {"深圳", "0755"}, {"武汉", "027"}, {"成都", "028"}, {"杭州", "0571"}, {"南京", "025"}, {"西安", "029"}, {"天津", "022"}}

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
