package seed

// Word lists the generator draws realistic names from. Changing them changes the data
// every seed produces.

var companyWords = []string{
	"Acme", "Northwind", "Globex", "Initech", "Contoso", "Fabrikam", "Tailspin", "Litware",
	"Woodgrove", "Proseware", "Lucerne", "Wingtip", "Apex", "Bluewater", "Cedar", "Crescent",
	"Evergreen", "Falcon", "Granite", "Harbor", "Ironwood", "Juniper", "Keystone", "Lakeside",
	"Meridian", "Northstar", "Oakridge", "Pinnacle", "Quantum", "Redwood", "Silverline", "Summit",
	"Trident", "Vertex", "Westfield", "Zenith", "Aurora", "Beacon", "Cobalt", "Everest",
	"Frontier", "Horizon", "Lighthouse", "Maple", "Orion", "Pacific", "Riverside", "Sterling",
	"Titan", "Vanguard", "Willow", "Atlas", "Bridgewater", "Cascade", "Halcyon", "Kestrel",
	"Larkspur", "Monarch", "Osprey", "Polaris", "Sequoia", "Tamarack", "Umber", "Voyager",
}

var companyMiddles = []string{
	"Blue", "Bright", "Coastal", "First", "Golden", "Great", "National", "Northern", "Premier",
	"Prime", "Royal", "Southern", "United", "Western", "Eastern", "Metro", "Green", "Silver",
	"Grand", "Central", "Allied", "Global", "Pioneer", "Heritage",
}

var companySuffixes = []string{
	"Corp", "Health", "Logistics", "Manufacturing", "Partners", "Holdings", "Systems", "Labs",
	"Energy", "Financial", "Foods", "Retail", "Media", "Consulting", "Group", "Industries",
	"Insurance", "Pharma", "Realty", "Bank", "Motors", "Telecom", "Construction", "Hotels",
	"Medical", "Academy", "Software", "Analytics", "Legal", "Clinics", "Transport", "Utilities",
}

var firstNames = []string{
	"Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Sophia", "Elijah", "Isabella", "James",
	"Mia", "Lucas", "Charlotte", "Mateo", "Harper", "Ethan", "Aisha", "Omar", "Priya", "Arjun",
	"Chloe", "Leo", "Zoe", "Hugo", "Lena", "Felix", "Nora", "Jonas", "Sara", "Matteo",
	"Fatima", "Yusuf", "Mei", "Hiro", "Ana", "Diego", "Ingrid", "Lars", "Elena", "Marco",
}

var lastNames = []string{
	"Smith", "Johnson", "Garcia", "Miller", "Davis", "Martinez", "Lopez", "Wilson", "Anderson", "Taylor",
	"Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker", "Young", "Allen", "King",
	"Wright", "Scott", "Nguyen", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
	"Roberts", "Murphy", "Khan", "Patel", "Schmidt", "Muller", "Dubois", "Rossi", "Novak", "Haddad",
}

// country is a country of a region: ISO code, calling code and some cities.
type country struct {
	code, dial string
	cities     []string
}

// regionInfo lists a region's countries (the first is the most common) and its currency.
type regionInfo struct {
	name      string
	weight    int
	currency  string
	utcOffset int // hours, for business-hour call times
	countries []country
}

var regions = []regionInfo{
	{"US", 45, "USD", -6, []country{
		{"US", "1", []string{"New York", "Chicago", "Dallas", "Denver", "Seattle", "Atlanta", "Boston", "Austin", "Phoenix", "San Diego", "Miami", "Minneapolis"}},
	}},
	{"CA", 12, "CAD", -5, []country{
		{"CA", "1", []string{"Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa", "Edmonton", "Winnipeg", "Halifax"}},
	}},
	{"EU", 30, "EUR", 1, []country{
		{"DE", "49", []string{"Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne"}},
		{"FR", "33", []string{"Paris", "Lyon", "Marseille", "Toulouse", "Lille"}},
		{"NL", "31", []string{"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"}},
		{"ES", "34", []string{"Madrid", "Barcelona", "Valencia", "Seville"}},
		{"IT", "39", []string{"Milan", "Rome", "Turin", "Bologna"}},
		{"IE", "353", []string{"Dublin", "Cork", "Galway"}},
		{"SE", "46", []string{"Stockholm", "Gothenburg", "Malmo"}},
		{"BE", "32", []string{"Brussels", "Antwerp", "Ghent"}},
		{"AT", "43", []string{"Vienna", "Graz", "Linz"}},
		{"PL", "48", []string{"Warsaw", "Krakow", "Wroclaw"}},
	}},
	{"UAE", 13, "AED", 4, []country{
		{"AE", "971", []string{"Dubai", "Abu Dhabi", "Sharjah", "Al Ain"}},
		{"SA", "966", []string{"Riyadh", "Jeddah", "Dammam"}},
		{"QA", "974", []string{"Doha"}},
		{"BH", "973", []string{"Manama"}},
		{"OM", "968", []string{"Muscat"}},
	}},
}

// seedTag is one of the partner's tags.
type seedTag struct{ name, color, description string }

var tagList = []seedTag{
	{"Key account", "#1F77B4", "Top customers by revenue; quarterly business reviews."},
	{"Healthcare", "#2CA02C", "Hospitals, clinics and health insurers."},
	{"Education", "#FF7F0E", ""},
	{"Government", "#D62728", "Public sector; procurement rules apply."},
	{"Renewal risk", "#9467BD", "Low usage or open escalations before renewal."},
	{"Upsell opportunity", "#8C564B", ""},
	{"Wholesale", "#E377C2", "Billed through the wholesale route to market."},
	{"Calling rollout", "#7F7F7F", "Migrating their telephony to cloud calling."},
	{"Strategic", "#BCBD22", ""},
	{"Onboarding", "#17BECF", "Added recently; onboarding calls in progress."},
	{"Finance sector", "#AEC7E8", ""},
	{"Needs follow-up", "#FFBB78", "Waiting on an answer from the customer."},
}

// Tag indexes the generator picks on purpose.
const (
	tagHealthcare   = 1
	tagRenewalRisk  = 4
	tagWholesale    = 6
	tagCalling      = 7
	tagOnboarding   = 9
	tagFinance      = 10
	tagCount        = 12
	maxTagsCustomer = 5
)

var locationKinds = []string{"HQ", "Office", "Branch", "Campus", "Warehouse", "Store", "Clinic", "Plant"}

var queueNames = []string{"Sales", "Support", "Billing", "Front Desk", "IT Helpdesk", "Reception", "Appointments", "Dispatch"}

// deviceModel is a calling device model and the firmware it runs.
type deviceModel struct {
	product, firmware string
	room              bool // a room device belongs to a workspace, not a user
}

var deviceModels = []deviceModel{
	{"Desk Phone 9841", "sip9841.3-2-1-0001-140", false},
	{"Desk Phone 9851", "sip9851.3-2-1-0001-140", false},
	{"Desk Phone 9861", "sip9861.3-2-1-0001-140", false},
	{"IP Phone 8845", "sip8845_65.14-2-1-0001-14", false},
	{"IP Phone 7841", "sip78xx.14-2-1-0001-14", false},
	{"Desk Pro", "RoomOS 11.14.2.3", true},
	{"Room Bar", "RoomOS 11.14.2.3", true},
	{"Board Pro 55", "RoomOS 11.14.2.3", true},
	{"ATA 192", "ATA192.12-0-1-0001-53", false},
}

var pstnConnections = []string{"Cisco Calling Plan", "Local Gateway", "Cloud Connected PSTN"}

// monthlyPriceCents is each product's list price per license and month, for invoices.
var monthlyPriceCents = map[string]int64{
	"MEETINGS": 1450, "CALLING": 1700, "MESSAGING": 400, "TRANSLATION": 900, "CONTACT_CENTER": 6500,
}
