/**
 * Postman's dynamic variables (`{{$guid}}`, `{{$timestamp}}`, `{{$random…}}`). Postman draws the
 * `$random*` values from faker; small word lists give values of the same shape. Pure code: the host
 * can use it too when it resolves `{{…}}` in requests.
 */

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const int = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min + 1));
const hex = (length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += '0123456789abcdef'[int(0, 15)];
  return out;
};
const alnum = (length: number): string => {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[int(0, chars.length - 1)];
  return out;
};

export function randomUuid(): string {
  const variant = '89ab'[int(0, 3)];
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Tim'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
];
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'harbor', 'maple', 'orbit', 'quartz', 'signal', 'timber'];
const LOREM = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consectetur',
  'adipiscing',
  'elit',
  'sed',
  'tempor',
];
const CITIES = ['Lisbon', 'Oslo', 'Kyoto', 'Austin', 'Nairobi', 'Lyon', 'Porto', 'Quebec', 'Perth', 'Bergen'];
const STREETS = ['Main Street', 'Oak Avenue', 'Harbor Road', 'Mill Lane', 'Park Drive', 'Station Road'];
const COUNTRIES: readonly (readonly [string, string])[] = [
  ['Portugal', 'PT'],
  ['Norway', 'NO'],
  ['Japan', 'JP'],
  ['Kenya', 'KE'],
  ['France', 'FR'],
  ['Canada', 'CA'],
];
const COLORS = ['red', 'green', 'blue', 'orange', 'purple', 'teal', 'gold', 'silver', 'olive', 'maroon'];
const DOMAINS = ['com', 'net', 'org', 'io', 'info', 'biz'];
const CURRENCIES: readonly (readonly [string, string, string])[] = [
  ['USD', 'US Dollar', '$'],
  ['EUR', 'Euro', '€'],
  ['GBP', 'Pound Sterling', '£'],
  ['JPY', 'Yen', '¥'],
];
const JOB_AREAS = ['Security', 'Data', 'Infrastructure', 'Marketing', 'Operations', 'Research'];
const JOB_DESCRIPTORS = ['Lead', 'Senior', 'Principal', 'Direct', 'Global', 'Internal'];
const JOB_TYPES = ['Engineer', 'Analyst', 'Manager', 'Designer', 'Architect', 'Consultant'];
const DEPARTMENTS = ['Books', 'Garden', 'Tools', 'Music', 'Sports', 'Toys', 'Grocery', 'Health'];
const PRODUCTS = ['Chair', 'Table', 'Lamp', 'Keyboard', 'Bottle', 'Backpack', 'Wallet', 'Clock'];
const ADJECTIVES = ['Handmade', 'Rustic', 'Sleek', 'Ergonomic', 'Refined', 'Practical', 'Small'];
const MATERIALS = ['Wooden', 'Steel', 'Cotton', 'Granite', 'Rubber', 'Plastic', 'Bronze'];
const MIME: readonly (readonly [string, string])[] = [
  ['application/json', 'json'],
  ['text/plain', 'txt'],
  ['image/png', 'png'],
  ['application/pdf', 'pdf'],
  ['text/csv', 'csv'],
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September'];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const LOCALES = ['en', 'fr', 'de', 'es', 'pt', 'ja', 'nl', 'sv'];
const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
];
const ABBREVIATIONS = ['HTTP', 'SQL', 'JSON', 'XML', 'TCP', 'SMTP', 'RAM', 'CSS', 'SSL', 'AGP'];
const NAME_PREFIXES = ['Mr.', 'Ms.', 'Mrs.', 'Dr.'];
const NAME_SUFFIXES = ['Jr.', 'Sr.', 'II', 'III', 'PhD'];
const COMPANY_SUFFIXES = ['Inc', 'LLC', 'Group', 'and Sons'];

const words = (count: number, source: readonly string[] = WORDS): string =>
  Array.from({ length: count }, () => pick(source)).join(' ');
const sentence = (): string => {
  const text = words(int(5, 9), LOREM);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
};
const firstName = (): string => pick(FIRST);
const lastName = (): string => pick(LAST);
const domainWord = (): string => pick(WORDS);
const domainName = (): string => `${domainWord()}.${pick(DOMAINS)}`;
const userName = (): string => `${firstName()}.${lastName()}${int(1, 99)}`;
const daysFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toString();

const GENERATORS: Record<string, () => string> = {
  $guid: randomUuid,
  $randomUUID: randomUuid,
  $timestamp: () => String(Math.floor(Date.now() / 1000)),
  $isoTimestamp: () => new Date().toISOString(),
  $randomInt: () => String(int(0, 1000)),
  $randomAlphaNumeric: () => alnum(1),
  $randomBoolean: () => String(Math.random() < 0.5),
  $randomAbbreviation: () => pick(ABBREVIATIONS),
  $randomIP: () => `${int(1, 254)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
  $randomIPV6: () => Array.from({ length: 8 }, () => hex(4)).join(':'),
  $randomMACAddress: () => Array.from({ length: 6 }, () => hex(2)).join(':'),
  $randomPassword: () => alnum(15),
  $randomLocale: () => pick(LOCALES),
  $randomUserAgent: () => pick(USER_AGENTS),
  $randomProtocol: () => pick(['http', 'https']),
  $randomSemver: () => `${int(0, 9)}.${int(0, 9)}.${int(0, 9)}`,
  $randomFirstName: firstName,
  $randomLastName: lastName,
  $randomFullName: () => `${firstName()} ${lastName()}`,
  $randomNamePrefix: () => pick(NAME_PREFIXES),
  $randomNameSuffix: () => pick(NAME_SUFFIXES),
  $randomJobArea: () => pick(JOB_AREAS),
  $randomJobDescriptor: () => pick(JOB_DESCRIPTORS),
  $randomJobType: () => pick(JOB_TYPES),
  $randomJobTitle: () => `${pick(JOB_DESCRIPTORS)} ${pick(JOB_AREAS)} ${pick(JOB_TYPES)}`,
  $randomPhoneNumber: () => `${int(200, 999)}-${int(200, 999)}-${int(1000, 9999)}`,
  $randomPhoneNumberExt: () => `${int(1, 99)}-${int(200, 999)}-${int(200, 999)}-${int(1000, 9999)}`,
  $randomCity: () => pick(CITIES),
  $randomStreetName: () => pick(STREETS),
  $randomStreetAddress: () => `${int(1, 9999)} ${pick(STREETS)}`,
  $randomCountry: () => pick(COUNTRIES)[0],
  $randomCountryCode: () => pick(COUNTRIES)[1],
  $randomLatitude: () => (Math.random() * 180 - 90).toFixed(4),
  $randomLongitude: () => (Math.random() * 360 - 180).toFixed(4),
  $randomColor: () => pick(COLORS),
  $randomHexColor: () => `#${hex(6)}`,
  $randomWord: () => pick(WORDS),
  $randomWords: () => words(int(2, 5)),
  $randomNoun: () => pick(PRODUCTS).toLowerCase(),
  $randomVerb: () => pick(['parse', 'index', 'compress', 'navigate', 'transmit', 'override']),
  $randomAdjective: () => pick(ADJECTIVES).toLowerCase(),
  $randomLoremWord: () => pick(LOREM),
  $randomLoremWords: () => words(3, LOREM),
  $randomLoremSentence: sentence,
  $randomLoremSentences: () => Array.from({ length: int(2, 5) }, sentence).join(' '),
  $randomLoremParagraph: () => Array.from({ length: 3 }, sentence).join(' '),
  $randomLoremSlug: () => words(3, LOREM).replaceAll(' ', '-'),
  $randomLoremLines: () => Array.from({ length: int(1, 5) }, sentence).join('\n'),
  $randomLoremText: () => Array.from({ length: int(2, 4) }, sentence).join(' '),
  $randomEmail: () => `${userName()}@${domainName()}`.toLowerCase(),
  $randomExampleEmail: () => `${userName()}@example.${pick(['com', 'net', 'org'])}`.toLowerCase(),
  $randomUserName: userName,
  $randomUrl: () => `https://${domainName()}`,
  $randomDomainName: domainName,
  $randomDomainSuffix: () => pick(DOMAINS),
  $randomDomainWord: domainWord,
  $randomPrice: () => (int(100, 100_000) / 100).toFixed(2),
  $randomCurrencyCode: () => pick(CURRENCIES)[0],
  $randomCurrencyName: () => pick(CURRENCIES)[1],
  $randomCurrencySymbol: () => pick(CURRENCIES)[2],
  $randomBankAccount: () => String(int(10_000_000, 99_999_999)),
  $randomBankAccountName: () => pick(['Checking Account', 'Savings Account', 'Money Market Account']),
  $randomBankAccountIban: () => `PT50${String(int(1e9, 9e9))}${String(int(1e9, 9e9))}${int(10, 99)}`,
  $randomBankAccountBic: () => `${alnum(4).toUpperCase()}PTPL`,
  $randomCompanyName: () => `${lastName()} ${pick(COMPANY_SUFFIXES)}`,
  $randomCompanySuffix: () => pick(COMPANY_SUFFIXES),
  $randomCatchPhrase: () => `${pick(ADJECTIVES)} ${pick(JOB_AREAS).toLowerCase()} platform`,
  $randomDepartment: () => pick(DEPARTMENTS),
  $randomProduct: () => pick(PRODUCTS),
  $randomProductName: () => `${pick(ADJECTIVES)} ${pick(MATERIALS)} ${pick(PRODUCTS)}`,
  $randomProductAdjective: () => pick(ADJECTIVES),
  $randomProductMaterial: () => pick(MATERIALS),
  $randomDatePast: () => daysFromNow(-int(1, 365)),
  $randomDateFuture: () => daysFromNow(int(1, 365)),
  $randomDateRecent: () => daysFromNow(-int(0, 1)),
  $randomMonth: () => pick(MONTHS),
  $randomWeekday: () => pick(WEEKDAYS),
  $randomFileName: () => `${pick(WORDS)}.${pick(MIME)[1]}`,
  $randomFileExt: () => pick(MIME)[1],
  $randomFileType: () => pick(['application', 'image', 'text', 'audio']),
  $randomCommonFileName: () => `${pick(WORDS)}.${pick(MIME)[1]}`,
  $randomCommonFileExt: () => pick(MIME)[1],
  $randomCommonFileType: () => pick(['application', 'image', 'text']),
  $randomMimeType: () => pick(MIME)[0],
  $randomDirectoryPath: () => `/${pick(['usr', 'var', 'opt', 'srv'])}/${pick(WORDS)}`,
  $randomFilePath: () => `/${pick(['usr', 'var', 'opt', 'srv'])}/${pick(WORDS)}.${pick(MIME)[1]}`,
  $randomImageUrl: () => `https://example.com/images/${alnum(8)}.jpg`,
  $randomAvatarImage: () => `https://example.com/avatars/${alnum(8)}.jpg`,
  $randomImage: () => `https://example.com/images/${alnum(8)}.jpg`,
};

/** The value of a dynamic variable, or undefined when `name` is not one. */
export function dynamicVariable(name: string): string | undefined {
  const generator = Object.hasOwn(GENERATORS, name) ? GENERATORS[name] : undefined;
  return generator?.();
}

export const DYNAMIC_VARIABLE_NAMES: readonly string[] = Object.keys(GENERATORS);
