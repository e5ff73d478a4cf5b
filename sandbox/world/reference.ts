// Reference data for the generator: real Amazon marketplace ids with their
// currency, domain and tax style, plus word lists for fictional products,
// brands and (obviously fake) buyers. No real person or brand appears here.
// The sandbox's own copy of the marketplace facts it needs (the portal's are
// lib/amazon/marketplaces.ts): the two sides are written apart on purpose.

export type Region = "NA" | "EU" | "FE";

export interface Marketplace {
  id: string;
  region: Region;
  countryCode: string;
  currency: string;
  domain: string;
  /** The sales channel / marketplace name as Amazon writes it ("Amazon.com"). */
  name: string;
  /** Ads profile time zone. */
  timezone: string;
  /** Prices include VAT/GST (item_tax is the included part) rather than added sales tax. */
  taxInclusive: boolean;
  /** Tax rates in basis points this marketplace's orders draw from. */
  taxBps: readonly number[];
  /** Minor units of this currency per US cent (rough exchange rate). */
  perUsdCent: number;
  /** First three digits of order ids. */
  orderPrefixes: readonly string[];
  /** Fulfillment center codes. */
  fulfillmentCenters: readonly string[];
  /** Monthly seller subscription fee in minor units. */
  subscriptionMinor: number;
}

export const MARKETPLACES: readonly Marketplace[] = [
  {
    id: "ATVPDKIKX0DER",
    region: "NA",
    countryCode: "US",
    currency: "USD",
    domain: "amazon.com",
    name: "Amazon.com",
    timezone: "America/Los_Angeles",
    taxInclusive: false,
    taxBps: [0, 0, 600, 625, 700, 725, 825, 887, 950, 1025],
    perUsdCent: 1,
    orderPrefixes: ["111", "112", "113", "114"],
    fulfillmentCenters: [
      "PHX7",
      "ONT8",
      "BFI4",
      "MDW2",
      "SDF8",
      "TPA1",
      "EWR4",
    ],
    subscriptionMinor: 3999,
  },
  {
    id: "A2EUQ1WTGCTBG2",
    region: "NA",
    countryCode: "CA",
    currency: "CAD",
    domain: "amazon.ca",
    name: "Amazon.ca",
    timezone: "America/Los_Angeles",
    taxInclusive: false,
    taxBps: [500, 1300, 1300, 1500],
    perUsdCent: 1.36,
    orderPrefixes: ["701", "702"],
    fulfillmentCenters: ["YYZ4", "YVR3", "YOW1"],
    subscriptionMinor: 2999,
  },
  {
    id: "A1AM78C64UM0Y8",
    region: "NA",
    countryCode: "MX",
    currency: "MXN",
    domain: "amazon.com.mx",
    name: "Amazon.com.mx",
    timezone: "America/Los_Angeles",
    taxInclusive: false,
    taxBps: [1600],
    perUsdCent: 17.2,
    orderPrefixes: ["701", "702"],
    fulfillmentCenters: ["MEX1", "MEX2", "GDL1"],
    subscriptionMinor: 60000,
  },
  {
    id: "A1F83G8C2ARO7P",
    region: "EU",
    countryCode: "GB",
    currency: "GBP",
    domain: "amazon.co.uk",
    name: "Amazon.co.uk",
    timezone: "Europe/London",
    taxInclusive: true,
    taxBps: [2000],
    perUsdCent: 0.79,
    orderPrefixes: ["202", "203", "204", "205", "206"],
    fulfillmentCenters: ["LTN4", "BHX4", "MAN1", "EDI4"],
    subscriptionMinor: 2500,
  },
  {
    id: "A1PA6795UKMFR9",
    region: "EU",
    countryCode: "DE",
    currency: "EUR",
    domain: "amazon.de",
    name: "Amazon.de",
    timezone: "Europe/Paris",
    taxInclusive: true,
    taxBps: [1900],
    perUsdCent: 0.92,
    orderPrefixes: ["302", "303", "304", "305", "306"],
    fulfillmentCenters: ["FRA3", "LEJ1", "DUS2", "MUC3"],
    subscriptionMinor: 3900,
  },
  {
    id: "A13V1IB3VIYZZH",
    region: "EU",
    countryCode: "FR",
    currency: "EUR",
    domain: "amazon.fr",
    name: "Amazon.fr",
    timezone: "Europe/Paris",
    taxInclusive: true,
    taxBps: [2000],
    perUsdCent: 0.92,
    orderPrefixes: ["402", "403", "404", "405", "406", "407"],
    fulfillmentCenters: ["ORY1", "LYS1", "MRS1"],
    subscriptionMinor: 3900,
  },
  {
    id: "APJ6JRA9NG5V4",
    region: "EU",
    countryCode: "IT",
    currency: "EUR",
    domain: "amazon.it",
    name: "Amazon.it",
    timezone: "Europe/Paris",
    taxInclusive: true,
    taxBps: [2200],
    perUsdCent: 0.92,
    orderPrefixes: ["403", "404", "405", "406", "407", "408"],
    fulfillmentCenters: ["MXP5", "FCO1"],
    subscriptionMinor: 3900,
  },
  {
    id: "A1RKKUPIHCS9HS",
    region: "EU",
    countryCode: "ES",
    currency: "EUR",
    domain: "amazon.es",
    name: "Amazon.es",
    timezone: "Europe/Paris",
    taxInclusive: true,
    taxBps: [2100],
    perUsdCent: 0.92,
    orderPrefixes: ["402", "403", "404", "405", "406", "407", "408"],
    fulfillmentCenters: ["MAD4", "BCN1"],
    subscriptionMinor: 3900,
  },
  {
    id: "A1VC38T7YXB528",
    region: "FE",
    countryCode: "JP",
    currency: "JPY",
    domain: "amazon.co.jp",
    name: "Amazon.co.jp",
    timezone: "Asia/Tokyo",
    taxInclusive: true,
    taxBps: [1000],
    perUsdCent: 1.5,
    orderPrefixes: ["249", "250", "503"],
    fulfillmentCenters: ["NRT1", "NRT5", "KIX3", "HND3"],
    subscriptionMinor: 4900,
  },
  {
    id: "A39IBJ37TRP1C6",
    region: "FE",
    countryCode: "AU",
    currency: "AUD",
    domain: "amazon.com.au",
    name: "Amazon.com.au",
    timezone: "Australia/Sydney",
    taxInclusive: true,
    taxBps: [1000],
    perUsdCent: 1.52,
    orderPrefixes: ["249", "250"],
    fulfillmentCenters: ["SYD8", "MEL1", "BNE1"],
    subscriptionMinor: 4995,
  },
  {
    id: "A19VAU5U5O7RUS",
    region: "FE",
    countryCode: "SG",
    currency: "SGD",
    domain: "amazon.sg",
    name: "Amazon.sg",
    timezone: "Asia/Singapore",
    taxInclusive: true,
    taxBps: [900],
    perUsdCent: 1.34,
    orderPrefixes: ["249", "250"],
    fulfillmentCenters: ["SIN2"],
    subscriptionMinor: 2995,
  },
];

/** Marketplaces by region; the first is the account's home marketplace. */
export const REGION_MARKETPLACES: Record<Region, readonly Marketplace[]> = {
  NA: MARKETPLACES.filter((m) => m.region === "NA"),
  EU: MARKETPLACES.filter((m) => m.region === "EU"),
  FE: MARKETPLACES.filter((m) => m.region === "FE"),
};

export function marketplaceById(id: string): Marketplace {
  const m = MARKETPLACES.find((x) => x.id === id);
  if (!m) throw new RangeError(`unknown marketplace ${id}`);
  return m;
}

export interface Category {
  name: string;
  productType: string;
  /** Referral fee in basis points of the item price. */
  referralBps: number;
  nouns: readonly string[];
  materials: readonly string[];
  variants: readonly string[];
  /** Price range in US cents. */
  usdCents: readonly [number, number];
  /** FBA per-unit fulfilment fee range in US cents. */
  fbaCents: readonly [number, number];
  /** Search modifiers for keywords and search terms. */
  modifiers: readonly string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    name: "Home & Kitchen",
    productType: "KITCHEN",
    referralBps: 1500,
    nouns: [
      "Chef Knife",
      "Cutting Board",
      "Knife Sharpener",
      "Mixing Bowl Set",
      "Silicone Spatula Set",
      "Measuring Cups",
      "Pour-Over Coffee Dripper",
      "French Press",
      "Salad Spinner",
      "Spice Rack",
      "Dish Drying Rack",
      "Food Storage Containers",
    ],
    materials: [
      "Stainless Steel",
      "Bamboo",
      "Borosilicate Glass",
      "Silicone",
      "Cast Iron",
      "Acacia Wood",
    ],
    variants: [
      "Set of 3",
      "Large",
      "Small",
      "12 oz",
      "34 oz",
      "Black",
      "Natural",
    ],
    usdCents: [1299, 5999],
    fbaCents: [380, 640],
    modifiers: [
      "best",
      "large",
      "for kitchen",
      "dishwasher safe",
      "set",
      "gift",
    ],
  },
  {
    name: "Sports & Outdoors",
    productType: "SPORTING_GOODS",
    referralBps: 1500,
    nouns: [
      "Yoga Mat",
      "Resistance Bands",
      "Jump Rope",
      "Foam Roller",
      "Insulated Water Bottle",
      "Camping Lantern",
      "Hiking Daypack",
      "Trekking Poles",
      "Dry Bag",
      "Microfiber Towel",
    ],
    materials: [
      "Non-Slip",
      "Natural Rubber",
      "Ripstop Nylon",
      "Aluminum",
      "Ultralight",
    ],
    variants: ["6 mm", "10 mm", "20 L", "32 oz", "Pair", "Blue", "Olive Green"],
    usdCents: [999, 6999],
    fbaCents: [410, 720],
    modifiers: [
      "for women",
      "for men",
      "thick",
      "lightweight",
      "with carrying strap",
    ],
  },
  {
    name: "Pet Supplies",
    productType: "PET_SUPPLIES",
    referralBps: 1500,
    nouns: [
      "Dog Leash",
      "Cat Scratching Post",
      "Pet Water Fountain",
      "Slow Feeder Bowl",
      "Dog Chew Toy",
      "Grooming Brush",
      "Pet Bed",
      "Litter Mat",
    ],
    materials: [
      "Reflective",
      "Orthopedic",
      "Stainless Steel",
      "Durable Rubber",
      "Sisal",
    ],
    variants: ["Medium", "Large", "6 ft", "2 L", "Grey", "Pack of 2"],
    usdCents: [799, 4999],
    fbaCents: [350, 690],
    modifiers: [
      "for large dogs",
      "for cats",
      "indestructible",
      "washable",
      "small breed",
    ],
  },
  {
    name: "Office Products",
    productType: "OFFICE_PRODUCTS",
    referralBps: 1500,
    nouns: [
      "Desk Organizer",
      "Monitor Stand",
      "Cable Management Box",
      "Laptop Stand",
      "Gel Pens",
      "Dotted Notebook",
      "Desk Pad",
      "File Sorter",
    ],
    materials: ["Bamboo", "Aluminum", "Felt", "Vegan Leather", "Recycled"],
    variants: ["A5", "Pack of 12", "Black", "Walnut", "White"],
    usdCents: [699, 4999],
    fbaCents: [330, 610],
    modifiers: [
      "for home office",
      "adjustable",
      "large",
      "minimalist",
      "for desk",
    ],
  },
  {
    name: "Toys & Games",
    productType: "TOYS_AND_GAMES",
    referralBps: 1500,
    nouns: [
      "Building Blocks Set",
      "Jigsaw Puzzle",
      "Card Game",
      "Magnetic Tiles",
      "Stacking Toy",
      "Kite",
      "Marble Run",
    ],
    materials: ["Wooden", "Magnetic", "Eco-Friendly", "Classic"],
    variants: [
      "100 Pieces",
      "500 Pieces",
      "1000 Pieces",
      "Ages 3+",
      "Family Edition",
    ],
    usdCents: [999, 3999],
    fbaCents: [360, 650],
    modifiers: ["for kids", "for adults", "educational", "ages 4-8", "gift"],
  },
  {
    name: "Beauty & Personal Care",
    productType: "BEAUTY",
    referralBps: 800,
    nouns: [
      "Detangling Hair Brush",
      "Makeup Brush Set",
      "Facial Roller",
      "Nail Clipper Set",
      "Toiletry Bag",
      "Shower Cap",
    ],
    materials: ["Boar Bristle", "Rose Quartz", "Travel", "Waterproof", "Vegan"],
    variants: ["Pink", "Black", "Set of 10", "Large", "Compact"],
    usdCents: [599, 2999],
    fbaCents: [320, 520],
    modifiers: [
      "for women",
      "travel",
      "professional",
      "for thick hair",
      "gift set",
    ],
  },
];

export const BRAND_FIRST = [
  "Alder",
  "Copper",
  "Willow",
  "Harbor",
  "Summit",
  "Maple",
  "Cedar",
  "Juniper",
  "Birch",
  "Stone",
  "Meadow",
  "Fable",
  "Lumen",
  "Tidal",
  "Oak",
  "Ember",
];
export const BRAND_SECOND = [
  "leaf",
  "field",
  "crest",
  "wick",
  "vale",
  "brook",
  "line",
  "works",
  "nest",
  "ridge",
  "haven",
  "well",
];
export const STORE_SUFFIX = [
  "Goods",
  "Supply Co.",
  "Living",
  "Outfitters",
  "Trading",
  "Home",
];
/** Fictional third-party brands that reseller stores carry. */
export const OTHER_BRANDS = [
  "Ovela",
  "Brixo",
  "Tandem Home",
  "Norvik",
  "Pellucid",
  "Quillon",
  "Rivvo",
  "Zestra",
];

export const BUYER_FIRST = [
  "Alex",
  "Sam",
  "Jordan",
  "Taylor",
  "Casey",
  "Robin",
  "Morgan",
  "Jamie",
  "Riley",
  "Avery",
  "Quinn",
  "Kim",
];
/** Surnames chosen to be obviously fake. */
export const BUYER_LAST = [
  "Example",
  "Sample",
  "Testperson",
  "Placeholder",
  "Fictional",
  "Demo",
  "Mockford",
  "Dummyson",
];
export const STREETS = [
  "Example Street",
  "Sample Road",
  "Test Avenue",
  "Placeholder Lane",
  "Fiction Way",
  "Demo Boulevard",
];

/** Cities, state or region, and a postal-code pattern (9 = digit, A = letter). */
export const CITIES: Record<
  string,
  readonly (readonly [string, string, string])[]
> = {
  US: [["Springfield", "IL", "99999"], ["Portland", "OR", "99999"], [
    "Austin",
    "TX",
    "99999",
  ], ["Columbus", "OH", "99999"]],
  PR: [["San Juan", "PR", "99999"]],
  CA: [["Toronto", "ON", "A9A 9A9"], ["Calgary", "AB", "A9A 9A9"], [
    "Halifax",
    "NS",
    "A9A 9A9",
  ]],
  MX: [["Guadalajara", "JAL", "99999"], ["Puebla", "PUE", "99999"]],
  GB: [["Leeds", "West Yorkshire", "AA9 9AA"], [
    "Bristol",
    "Bristol",
    "AA9 9AA",
  ]],
  IE: [["Cork", "Cork", "A99 A9A9"]],
  DE: [["Leipzig", "Sachsen", "99999"], ["Bremen", "Bremen", "99999"]],
  AT: [["Graz", "Steiermark", "9999"]],
  FR: [["Lyon", "Rhône", "99999"], ["Nantes", "Loire-Atlantique", "99999"]],
  BE: [["Liège", "Liège", "9999"]],
  IT: [["Bologna", "BO", "99999"], ["Torino", "TO", "99999"]],
  ES: [["Valencia", "Valencia", "99999"], ["Sevilla", "Sevilla", "99999"]],
  JP: [["Sapporo", "Hokkaido", "999-9999"], ["Fukuoka", "Fukuoka", "999-9999"]],
  AU: [["Brisbane", "QLD", "9999"], ["Adelaide", "SA", "9999"]],
  SG: [["Singapore", "", "999999"]],
};

/** A cross-border destination some orders ship to. */
export const CROSS_BORDER: Record<string, string> = {
  US: "PR",
  GB: "IE",
  DE: "AT",
  FR: "BE",
};

export const RETURN_REASONS = [
  "UNWANTED_ITEM",
  "NOT_COMPATIBLE",
  "DEFECTIVE",
  "ORDERED_WRONG_ITEM",
  "QUALITY_UNACCEPTABLE",
  "NOT_AS_DESCRIBED",
  "FOUND_BETTER_PRICE",
  "MISSED_ESTIMATED_DELIVERY",
  "DAMAGED_BY_CARRIER",
] as const;
