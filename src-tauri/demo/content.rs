//! The sample workspace's content: a fictional shop, its sources, a few
//! hundred realistic mentions and some outreach history. Deterministic: the
//! same `now` gives the same workspace. Loaded through the normal store code
//! by `demo::load`.
//!
//! The shop is "Pedal & Pine Cycles", an independent bike shop, workshop and
//! café corner in the fictional market town of Ashby Market. Every person,
//! handle, order number and web address below is invented.
//!
//! How it is built: each platform has a table of hand-written posts (some with
//! `{placeholders}`), a pool of authors and a target count. Every post is used
//! once at a recent-leaning time; the remaining slots are filled with variants
//! of the placeholder posts at older times, so the newest screens do not
//! repeat. "Stories" are fixed posts by recurring people at fixed ages, and the
//! outreach history is written against them.

use time::{Duration, OffsetDateTime, Time};

/// A sample source: shown in Sources, never polled.
#[derive(Debug, Clone)]
pub struct SampleSource {
    /// One of Platform::as_str(): "x", "facebook", "youtube", "reddit", "mastodon",
    /// "bluesky", "google_reviews", "trustpilot", "rss", "google_alerts", "hacker_news", "instagram", "yelp".
    pub platform: &'static str,
    pub label: String,
    pub base_url: Option<String>,
}

/// What kind of post a sample mention is (used only to build the content and in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    Praise,
    Complaint,
    Question,
    Neutral,
    Spam,
}

#[derive(Debug, Clone)]
pub struct SampleMention {
    /// Index into `SampleWorkspace::sources`.
    pub source: usize,
    pub platform: &'static str,
    /// Unique per platform, stable across runs, in the platform's own id style.
    pub external_id: String,
    /// https link in the platform's own URL style, on the platform's real domain.
    pub url: Option<String>,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    pub text: String,
    pub language: Option<String>,
    pub created_at: time::OffsetDateTime,
    pub kind: SampleKind,
}

#[derive(Debug, Clone)]
pub struct SampleOutreach {
    /// Index into `SampleWorkspace::mentions`.
    pub mention: usize,
    /// "public_reply" | "direct_message" | "email" | "phone" | "in_person"
    pub channel: &'static str,
    pub message: String,
    /// "planned" | "sent" | "replied" | "resolved" | "no_response" | "declined"
    pub status: &'static str,
    pub occurred_at: time::OffsetDateTime,
    pub follow_up_at: Option<time::OffsetDateTime>,
    pub outcome: Option<String>,
    pub notice_given: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SampleWorkspace {
    pub business_name: String,
    pub sources: Vec<SampleSource>,
    pub mentions: Vec<SampleMention>,
    pub outreach: Vec<SampleOutreach>,
    /// People the shop knows on more than one platform: each a list of
    /// (platform, handle or shown name), to link as one person.
    pub people: Vec<Vec<(&'static str, String)>>,
}

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

const P: SampleKind = SampleKind::Praise;
const C: SampleKind = SampleKind::Complaint;
const Q: SampleKind = SampleKind::Question;
const N: SampleKind = SampleKind::Neutral;
const S: SampleKind = SampleKind::Spam;

/// A hand-written post: its kind, a platform-specific context (Reddit
/// "post:sub" / "comment:sub", a YouTube video id, an alert's target page,
/// Facebook/Instagram "post" / "comment"; empty when unused) and its text.
type Entry = (SampleKind, &'static str, &'static str);

/// (handle, display name); an empty string means "none".
type Author = (&'static str, &'static str);

struct PlatformData {
    id: &'static str,
    label: &'static str,
    base_url: &'static str,
    /// How many mentions this source gets in total, stories included.
    target: usize,
    entries: &'static [Entry],
    authors: &'static [Author],
    spam_authors: &'static [Author],
}

const PRODUCTS: &[&str] = &[
    "a helmet",
    "a set of lights",
    "a pair of SPD pedals",
    "a track pump",
    "a rear rack",
    "a waterproof jacket",
    "a kids' helmet",
    "a tubeless kit",
    "a D-lock",
    "a saddle bag",
    "some mudguards",
    "a pair of winter gloves",
];
const ITEMS: &[&str] = &[
    "helmet",
    "lights",
    "SPD pedals",
    "track pump",
    "rear rack",
    "waterproof jacket",
    "kids' helmet",
    "D-lock",
    "saddle bag",
    "mudguards",
];
const SIZED: &[&str] = &[
    "a helmet",
    "a waterproof jacket",
    "a pair of winter gloves",
    "a kids' helmet",
    "a pair of bib shorts",
    "a tyre",
    "a pair of cycling shoes",
];
const PARTS: &[&str] = &[
    "a new chain",
    "a spare tyre",
    "a set of lights",
    "a tubeless kit",
    "new brake pads",
    "a saddle bag",
];
const WEEKS: &[&str] = &[
    "two weeks",
    "3 weeks",
    "nearly a month",
    "10 days",
    "over a fortnight",
    "three weeks",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const BIKES: &[&str] = &[
    "e-bike",
    "gravel bike",
    "hybrid",
    "road bike",
    "commuter",
    "cargo bike",
    "old MTB",
    "tourer",
];
const STAFF: &[&str] = &["Megan", "Rhys", "Olu", "Beth", "Tariq", "Jess"];

const X_ENTRIES: &[Entry] = &[
    (P, "", "Huge thanks to @pedalandpine for squeezing my {bike} in before the weekend. Rode 60 miles on Sunday without a single creak 🙌 #cycling"),
    (P, "", "Best coffee in Ashby Market is apparently in a bike shop. Who knew ☕🚲 @pedalandpine"),
    (P, "", "puncture on the way to work, walked it to @pedalandpine, fixed in 15 min while I had a flat white. legends"),
    (C, "", "It's been {weeks} since I ordered {product} from @pedalandpine. Not even a dispatch email. Emailed twice, nothing back."),
    (C, "", "@pedalandpine any update on order {order}? Tracking hasn't moved since {day} 🙃"),
    (C, "", "Paid for a full service, picked it up {day}, gears skipping again two days later. Not impressed @pedalandpine 😡"),
    (C, "", "Third time ringing @pedalandpine today. Nobody picks up. Is anyone actually there??"),
    (Q, "", "@pedalandpine what time do you open on Saturdays?"),
    (Q, "", "@pedalandpine how much is a basic service these days? Bike's making a noise I don't like 😬"),
    (N, "", "Shop window at @pedalandpine has a full-on cargo bike with a dog in the front. Not a real dog. I checked. #AshbyMarket"),
    (N, "", "Saw about 30 riders outside @pedalandpine this morning for the Sunday social ride. Looked fun, too cold for me 🥶"),
    (S, "", "🚀 Earn 5 BTC daily with our AI trading bot! DM now 💰💰 #crypto #bitcoin @pedalandpine"),
    (S, "", "Get 10K real followers in 24h 🔥 cheap prices, link in bio!! @pedalandpine @ashbymarketnews"),
    (P, "", "Kids' bike from @pedalandpine is the best thing we bought this year. They even adjusted it again for free when she grew 3cm 😂👍"),
    (C, "", "Lad at the counter at @pedalandpine basically laughed when I asked about my warranty. Bit rude tbh."),
    (P, "", "Wheel build from @pedalandpine has done 2,000km of potholes and it's still true. Rhys knows his stuff. #wheelbuilding"),
    (Q, "", "Anyone know if @pedalandpine does bike fitting? Knees are not happy after long rides"),
    (N, "", "New e-bike display in the @pedalandpine window. £3.2k. My bank manager says no."),
    (P, "", "Shoutout to {staff} at @pedalandpine who spent 20 minutes explaining e-bike battery care to my dad. Patient as anything 🙏"),
    (C, "", "Booked my service online for {day}, turned up and they had no record of it. Sort your booking system out @pedalandpine"),
    (N, "", "Morning ride done, stopped at @pedalandpine for a brownie. The brownie was the main event. #sundayride"),
    (S, "", "@pedalandpine Congratulations!!! You've been selected for our brand ambassador program 🎉 Claim your free sunglasses at shipcheaplink dot xyz"),
    (Q, "", "@pedalandpine is the online shop still doing free delivery over £50?"),
    (P, "", "Dropped my {bike} off at @pedalandpine at 9, ready by lunch, cheaper than quoted. This is how you keep customers."),
    (C, "", "Still waiting for a refund from @pedalandpine for a jacket I sent back {weeks} ago. Just want my money back tbh"),
    (P, "", "Genuinely the nicest bike shop I've been in. Nobody sneered at my supermarket bike 😅 @pedalandpine #AshbyMarket"),
    (C, "", "Guess I'll walk to work again then. Day 9 without my bike, no call from @pedalandpine 🙃"),
    (P, "", "@pedalandpine fitted mudguards to a frame that 'doesn't take mudguards'. Wizards. Dry bum for the commute 🙌"),
    (P, "", "Bought my first e-bike from @pedalandpine last month and they rang a week later just to check I was getting on OK. Didn't expect that 🥹"),
    (P, "", "Big up @pedalandpine for the free Dr Bike at the station this morning. Brakes actually work now 😅 #biketowork"),
    (Q, "", "@pedalandpine do you do puncture repairs while you wait or do I need to leave it?"),
];

const X_AUTHORS: &[Author] = &[
    ("@ashby_al", "Al Marsh"),
    ("@becca_on_bikes", "Becca Holt"),
    ("@mikeyj_77", "Mikey J"),
    ("@lou_commutes", "Lou"),
    ("@fatima_k_", "Fatima K"),
    ("@dan_the_van_man", "Dan 🚐"),
    ("@roadie_rach", "Rach"),
    ("@sunita_patel_", "Sunita Patel"),
    ("@grumpy_grimpeur", "Gareth 🚴"),
    ("@joe_wheelz", "Joe"),
    ("@NiamhMcC", "Niamh McCarthy"),
    ("@raf_pedals", "Rafał"),
    ("@helen_h_writes", "Helen Hughes"),
    ("@stu_mcd", "Stu McDonald"),
    ("@yusuf_cycles", "Yusuf"),
    ("@emmaloveslanes", "Emma"),
    ("@ikenna_o", "Ikenna O."),
    ("@tash_in_lycra", "Tash"),
    ("@colin_the_commuter", "Colin"),
    ("@meiling_w", "Mei-Ling Wu"),
];

const X_SPAM: &[Author] = &[
    ("@crypto_gains_4u", "Crypto Gains 💰"),
    ("@followers_boost_uk", "Followers Boost"),
    ("@brand_collab_team", "Brand Collab Team 🎉"),
];

const FACEBOOK_ENTRIES: &[Entry] = &[
    (P, "post", "Absolutely brilliant service from the team today. Brought in my daughter's bike with a wobbly wheel and they sorted it while we waited. Highly recommend! 👍"),
    (P, "post", "Recommended! Friendly, honest, and told me I DIDN'T need a new chain when I was ready to pay for one. That's rare these days."),
    (C, "comment", "I left a voicemail and sent a message on here on {day} about order {order} and no reply. Can someone get back to me please"),
    (C, "post", "Paid £65 for a service and the brakes are squealing worse than before. Will be bringing it back, not happy."),
    (Q, "comment", "Hi are you open bank holiday Monday? Need a new inner tube urgently 😅"),
    (Q, "comment", "Do you do part exchange on e-bikes? Have a 3 year old one I want to upgrade"),
    (N, "post", "Great to see the shop so busy at the Ashby Market food festival. The bikes covered in fairy lights in the window were lovely ✨"),
    (N, "post", "Ashby Market Cycle Club — Sunday ride meets outside Pedal & Pine at 9am, all welcome, no drop. Bring a spare tube!"),
    (S, "comment", "Hello dear, I am interested in your page. I can help grow your followers to 50k in 1 week. Message me for good price 🙏"),
    (S, "comment", "💰 Page Alert: Your page violates community standards. Verify your account here within 24 hours or it will be disabled: meta-support-verify .com"),
    (P, "post", "Bought a balance bike for our little one's 2nd birthday. {staff} helped us choose and even carried it to the car. Lovely shop."),
    (C, "comment", "Not trying to be funny but {weeks} for a wheel build is a long time when I was told 5 days. Might go elsewhere next time."),
    (Q, "comment", "What's the price of a puncture repair on a rear hub motor e-bike? Is it more than a normal one?"),
    (P, "comment", "The café corner is a hidden gem. Cheese toastie and a puncture repair, what more do you need 😄"),
    (C, "comment", "Really disappointed. Ordered {product} as a birthday present, arrived after the birthday with the box smashed in."),
    (N, "comment", "Does anyone know if the car park behind Pedal & Pine is free on Sundays? Coming over for the club ride."),
    (C, "post", "Staff member was really short with my mum when she came in about her e-bike. She's 74 and was confused about the charger. Bit more patience please."),
    (P, "post", "Thank you for sponsoring the school's Bike Week! The kids loved the Dr Bike session 🚲❤️"),
    (Q, "comment", "Is the café dog friendly? Thinking of coming by on {day} with our spaniel 🐶"),
    (P, "comment", "Picked up my {bike} yesterday after its service and it rides like new. Thanks {staff}!"),
    (N, "comment", "Just seen this post, my neighbour got her e-bike here too. Shared 👍"),
    (P, "post", "Just want to say thank you to the lady in the workshop who stayed 10 minutes after closing so I could get home. You're a star ⭐"),
    (Q, "comment", "Do you sell gift vouchers? Husband's birthday is next week and I haven't a clue what size anything is 😂"),
];

const FACEBOOK_AUTHORS: &[Author] = &[
    ("", "Sarah Whitfield"),
    ("", "Gareth Jones"),
    ("", "Anjali Mistry"),
    ("", "Liam O'Connor"),
    ("", "Karen Booth"),
    ("", "Abdul Rahman"),
    ("", "Joanne Pritchard"),
    ("", "Steve Coleman"),
    ("", "Chioma Eze"),
    ("", "Pete Harrop"),
    ("", "Lynne Carter"),
    ("", "Ashby Market Cycle Club"),
    ("", "Danielle Ross"),
    ("", "Imran Shah"),
];

const FACEBOOK_SPAM: &[Author] = &[
    ("", "Linda Growth Expert"),
    ("", "Page Support Centre"),
    ("", "Jenny Digital Marketing"),
];

const INSTAGRAM_ENTRIES: &[Entry] = &[
    (P, "", "New whip day!! 😍🚲 Thanks @pedalandpine for the patience while I tried every size #newbike #gravelbike #ashbymarket"),
    (P, "", "The workshop cat is the real manager here 🐈 @pedalandpine #shopcat"),
    (P, "", "Flat white + tune up = perfect Saturday ☕🔧 @pedalandpine #bikeshopcafe #ridelocal"),
    (C, "", "Love your posts but still waiting on my refund since {day}... any chance someone can check my DMs? 🙏"),
    (C, "", "Beautiful shop but my {item} came damaged and nobody's replied to my message 😕"),
    (Q, "", "Do you do kids' bike trade-ins? Ours grows every 5 minutes 😂"),
    (Q, "", "What are your hours on Sunday? Is the café open too?"),
    (N, "", "Sunday club ride 📸 30 of us at the start at @pedalandpine, fastest group averaged 28kph apparently #clubride #ukcycling"),
    (S, "", "Wow amazing content!! 🔥🔥 DM @growthboost_official to get featured 💯"),
    (S, "", "Promote it on @bikes.daily.viral 🚀 send pic in DM"),
    (P, "", "Bike fit with @pedalandpine sorted the numb hands I've had for months. Should've done it years ago 🙌 #bikefit"),
    (N, "", "Spotted this lovely old steel tourer in the @pedalandpine window ✨ someone please buy it and love it #vintagebike #steelisreal"),
    (C, "", "Came in on {day} for the puncture clinic and it was cancelled, nothing posted on here 😒"),
    (P, "", "Okay the new e-cargo bike is a game changer for the school run. Thank you @pedalandpine for the test ride 🙏 #cargobike #schoolrun"),
    (N, "", "@pedalandpine 's window this week is all pine cones and fairy lights and I'm obsessed 🌲✨ #ashbymarket #shoplocal"),
    (S, "", "Earn £500/day from home 💸 no experience needed, check my bio ✅"),
    (P, "", "Picked up my {bike} from @pedalandpine today, quiet as a mouse now 🤫🚲 #servicing"),
    (Q, "", "How much for a bike fit? And do I need to bring my own shoes? 🤔"),
];

const INSTAGRAM_AUTHORS: &[Author] = &[
    ("@lou.rides.ashby", "Lou"),
    ("@coffee_and_cranks", "Coffee & Cranks"),
    ("@mumofthreeonbikes", "Jo | mum of three"),
    ("@ashbymarketlife", "Ashby Market Life"),
    ("@priyanka.pedals", "Priyanka"),
    ("@wojtek.bikes", "Wojtek"),
    ("@kirsty_makes", "Kirsty"),
    ("@aleks_on_wheels", "Aleks"),
    ("@the_muddy_collie", "Moss the collie 🐾"),
    ("@ben.ashby.runs", "Ben"),
    ("@chiara.in.the.hills", "Chiara"),
];

const INSTAGRAM_SPAM: &[Author] = &[
    ("@growthboost_official", "Growth Boost"),
    ("@bikes.daily.viral", "Bikes Daily"),
    ("@cash.freedom.coach", "Anna | Freedom Coach"),
];

const YT_WHEEL: &str = "q7Lm2Xw9TbA"; // How we true a wheel in 10 minutes
const YT_TUBELESS: &str = "R4vNk8pY0sE"; // Tubeless setup without the mess
const YT_BATTERY: &str = "bT3x_J6mQ1w"; // E-bike battery care for cold weather
const YT_PUNCTURE: &str = "Zp0dW5ucH8k"; // Fixing a puncture at the roadside
const YT_TOUR: &str = "mK2fYh7rLq4"; // Inside our workshop: a day at Pedal & Pine

const YOUTUBE_ENTRIES: &[Entry] = &[
    (P, YT_WHEEL, "Finally a wheel truing video that doesn't assume I own a £300 stand. The cable tie on the frame trick worked 👍"),
    (Q, YT_WHEEL, "What spoke key size is that at 3:42? Mine keeps rounding the nipples"),
    (N, YT_WHEEL, "10 minutes my foot, took me an hour and a half 😂 but it's straighter than before"),
    (C, YT_WHEEL, "Tried this and made it worse. Maybe put a warning that beginners should bring it in first?"),
    (P, YT_TUBELESS, "The bit about shaking the sealant round before seating saved me. Clean install first time. Cheers!"),
    (Q, YT_TUBELESS, "Does this work with hookless rims? Asking before I make a mess of my kitchen"),
    (C, YT_TUBELESS, "Great video but the tubeless kit I bought from your shop was missing the valve cores. Emailed on {day}, no answer yet."),
    (P, YT_BATTERY, "Really clear. Didn't know you shouldn't store it at 100% for months. Subscribed."),
    (Q, YT_BATTERY, "Is it ok to charge in a cold garage or should I bring the battery inside?"),
    (N, YT_BATTERY, "Watching this while my battery charges in the kitchen lol"),
    (P, YT_PUNCTURE, "Used the no-levers method on the side of the A road yesterday, worked a treat. Thanks guys"),
    (S, YT_PUNCTURE, "Crypto changed my life 💸 all thanks to Mrs Janet Collins, she's on telegram 👉 @janetfx_trades"),
    (P, YT_TOUR, "Love seeing a proper independent workshop. Wish we had one like this in my town."),
    (N, YT_TOUR, "Is that a folding bike on the stand at 5:10? Looks like it's had a hard life"),
    (S, YT_TOUR, "Who's still watching this? 👇 Sub to my channel for daily bike hacks!!"),
    (N, YT_TUBELESS, "Sealant everywhere. Ceiling included. 10/10 would tubeless again"),
    (S, YT_PUNCTURE, "I made $8,000 last month with this simple app 👉 check my profile"),
    (C, YT_TOUR, "Shame the workshop doesn't answer emails like it makes videos. Been {weeks} waiting to hear about my {bike}."),
    (P, YT_WHEEL, "{staff} is a brilliant teacher. Calm voice, no jargon. More of these please 🙏"),
    (Q, YT_PUNCTURE, "How much would you charge to do this in the shop? My hands don't work like they used to"),
];

const YOUTUBE_AUTHORS: &[Author] = &[
    ("@TomInTheShed", "Tom in the Shed"),
    ("@gravelgran", "Gravel Gran"),
    ("@mike_fixes_stuff", "Mike Fixes Stuff"),
    ("@sarah-k-rides", "Sarah K"),
    ("@user-kx7pq2mz9r", "user-kx7pq2mz9r"),
    ("@DeepakOnTwoWheels", "Deepak"),
    ("@wheelieben", "Ben"),
    ("@oldmanonabike", "Old Man On A Bike"),
    ("@chloe.cycles", "Chloe"),
    ("@ffion_rhys", "Ffion"),
    ("@bikepackingbarry", "Barry"),
];

const YOUTUBE_SPAM: &[Author] = &[
    ("@Investment-Guru-Maria", "Maria | Investments"),
    ("@bikehacks_daily", "Bike Hacks Daily"),
    ("@user-earn8k", "Ethan earns online"),
];

const REDDIT_ENTRIES: &[Entry] = &[
    (P, "post:ukbike", "Shoutout to an actual good LBS: Pedal & Pine in Ashby Market. Went in expecting to be upsold a new groupset, came out with a £12 cable and a gear tune. Guy even showed me how to set the limit screws myself."),
    (N, "comment:ukbike", "Pedal & Pine are fine for servicing but the stock levels on their web shop are fiction in my experience. Ring them before you order."),
    (Q, "post:bikewrench", "Shop fitted tubeless and now I'm losing air overnight - normal? Had it done at Pedal & Pine last week, front is fine, rear goes soft in about 12 hours. Sealant or tape?"),
    (P, "comment:bikewrench", "Rhys at Pedal & Pine built my wheels and they're still dead true 3 years later. Worth paying for a decent hand build."),
    (Q, "post:AshbyMarket", "Best place to get a kids bike in town? Pedal & Pine or the big chain place out at the retail park? Daughter is 7, no idea what size"),
    (P, "comment:AshbyMarket", "Pedal & Pine, every time. They'll let her try a few, and they do a trade-in when she outgrows it."),
    (C, "comment:AshbyMarket", "Honestly had a bad experience there. Bloke behind the counter was dismissive when I asked about my e-bike motor. Went to the place in Coalbridge in the end."),
    (Q, "post:ebikes", "Anyone had a battery replaced under warranty through a UK independent? Pedal & Pine are saying 6-8 weeks for the battery. Is that normal or am I being fobbed off?"),
    (N, "comment:ebikes", "6-8 weeks is sadly normal right now for most brands. Not the shop's fault, the manufacturers are the bottleneck."),
    (N, "post:AshbyMarket", "Cafe in the bike shop on Market Street? Walked past Pedal & Pine and there were people just having coffee. Is it open to non-cyclists?"),
    (P, "comment:AshbyMarket", "Yes! Best cheese scones in town and nobody cares if you turn up on foot 😄"),
    (S, "comment:ukbike", "Great question! I found amazing deals at bike-outlet-cheap [dot] store — 90% off all brands, totally legit 👍"),
    (C, "comment:ukbike", "Same here. Took my bike back to Pedal & Pine twice for the same creak. Third time they found the bottom bracket was never torqued properly. Never again."),
    (Q, "comment:bikewrench", "How much do shops charge for a wheel build these days? Pedal & Pine quoted £90 labour, seems fair?"),
    (S, "comment:ebikes", "DM me for cheap e-bike batteries, all brands, 48V 20Ah only £99 🔋 shipping from UK warehouse"),
    (C, "comment:ukbike", "Pedal & Pine took {weeks} to get back to me about a warranty claim on {product}. Nice people, terrible at email."),
    (P, "comment:AshbyMarket", "They've got a free track pump outside the door now, handy if you're passing with a soft tyre."),
    (P, "comment:bikewrench", "Had {staff} at Pedal & Pine talk me through a hub service on a {day} afternoon for nothing. Bought my grease there out of guilt 😂"),
];

const REDDIT_AUTHORS: &[Author] = &[
    ("gravel_goblin_88", ""),
    ("AshbyLocal_Jen", ""),
    ("northern_cadence", ""),
    ("muddy_mudguards", ""),
    ("TerribleAtHills", ""),
    ("quietlane", ""),
    ("bramble_rider", ""),
    ("wrenchmonkey_uk", ""),
    ("fenrider", ""),
    ("throwaway_biker_91", ""),
    ("Sprocket_Sandwich", ""),
    ("pothole_connoisseur", ""),
];

const REDDIT_SPAM: &[Author] = &[("DealHunter_4839", ""), ("Bright-Battery-2291", "")];

const MASTODON_ENTRIES: &[Entry] = &[
    (P, "", "Shout out to the folks at Pedal & Pine in #AshbyMarket - they fixed my dynamo light wiring and refused to charge for a 2-minute job. Independent shops FTW #cycling #bikeshop"),
    (C, "", "Day 12 of waiting for my @pedalandpine@mastodon.social order. Tracking says 'label created'. I'm starting to think the label is the only thing that was created. #cycling"),
    (Q, "", "Anyone in #AshbyMarket know whether Pedal & Pine do wheel builds with dynamo hubs? Planning a touring bike #bikepacking"),
    (N, "", "Cycle lane on Station Road still blocked by roadworks, had to walk it past Pedal & Pine. At least they've got a pump outside for anyone passing 👍 #ActiveTravel"),
    (S, "", "🎁 Free crypto airdrop for cyclists! Claim your $PEDAL tokens now 🚲💰 #web3 #cycling #AshbyMarket"),
    (P, "", "Brought my old steel tourer to @pedalandpine@mastodon.social expecting bad news. Came back with new bearings and a lecture about grease. Worth it. #bikes"),
    (C, "", "Small grumble: asked @pedalandpine@mastodon.social a question on here a week ago and nothing. Not everyone's on Instagram, folks."),
    (P, "", "Our bike shop has a 'bring back your old inner tubes for recycling' bin. Small thing but nice. #CircularEconomy #AshbyMarket"),
    (Q, "", "Is the Pedal & Pine café step-free? Asking for a friend who uses a wheelchair. #accessibility #AshbyMarket"),
    (P, "", "Repair café at Pedal & Pine on {day} was lovely — two volunteer mechanics and loads of kids learning to fix punctures. #RepairCafe #AshbyMarket"),
    (S, "", "Increase your fediverse reach! 1000 boosts for $5 💯 contact us now #growth #AshbyMarket"),
    (C, "", "Took the e-bike in for a 'quick' brake bleed on {day}. Still waiting {weeks} later. #ebike #cycling"),
    (P, "", "Pedal & Pine's {staff} adjusted my saddle by 8mm and my knee pain just... stopped. Magic. #cycling"),
];

const MASTODON_AUTHORS: &[Author] = &[
    ("@velocipedestrian@mastodon.social", "Alex 🚲"),
    ("@ruthm@mastodon.me.uk", "Ruth M"),
    ("@kieran@mastodon.scot", "Kieran"),
    ("@spokesperson@mas.to", "The Spokesperson"),
    ("@annika@mastodon.online", "Annika"),
    ("@bramble@toot.wales", "Bramble"),
    ("@phodges@mastodon.social", "Dr P Hodges"),
    ("@ashbyactivetravel@mastodon.me.uk", "Ashby Active Travel"),
    ("@nkem@mas.to", "Nkem"),
];

const MASTODON_SPAM: &[Author] = &[
    ("@airdrop_pedal@mas.to", "PEDAL Airdrop"),
    ("@reachplus@mastodon.online", "Reach+"),
];

const BLUESKY_ENTRIES: &[Entry] = &[
    (P, "", "shoutout to pedal & pine for getting my commuter back on the road same day. real ones 🚲"),
    (P, "", "Got my first proper road bike from @pedalandpine.bsky.social today and I'm grinning like an idiot 😁"),
    (C, "", "Paid for next-day delivery. It arrived on day six. Just saying. @pedalandpine.bsky.social"),
    (Q, "", "does anyone know if pedal & pine do bike fits for people with a hip replacement? asking for my mum"),
    (Q, "", "@pedalandpine.bsky.social do you stock 650b tubes? Mine keep dying"),
    (N, "", "the pedal & pine café has a 'wheel of the week' on the chalkboard and this week it's a 1980s tubular. nerds. I love it"),
    (N, "", "Ashby Market feels like it has more bike shops than pubs now. (It does not. But Pedal & Pine is always busy.)"),
    (S, "", "🔥 Limited offer: 70% off all cycling gear today only 👉 bikegearsale-uk .shop #pedalandpine"),
    (P, "", "Took my kid's bike in for a check and they showed him how to pump his own tyres. He's now pumping EVERYTHING 😂"),
    (C, "", "Got told my derailleur hanger was 'fine' at pedal & pine, then it snapped on the first ride. Great."),
    (Q, "", "what's the price of a full service at pedal & pine now? last time it was like £70"),
    (P, "", "Wheel build arrived, lovely lacing, hand-written note in the box. This is why you buy local. 💚 @pedalandpine.bsky.social"),
    (N, "", "Pedal & Pine are posting workshop videos on YouTube now. The one about truing wheels is oddly relaxing"),
    (C, "", "ordered {sized} from @pedalandpine.bsky.social, got sent the wrong size, return label has been 'on its way' for {weeks}"),
    (P, "", "{staff} at pedal & pine just talked me out of buying a £90 part I didn't need. who does that. love them"),
    (P, "", "pedal & pine café does a proper oat flat white and lets you sit there with helmet hair in peace. 10/10"),
    (Q, "", "is pedal & pine's workshop open on bank holidays? chain's snapped and I'm stranded-ish"),
];

const BLUESKY_AUTHORS: &[Author] = &[
    ("@jo.cycles.bsky.social", "Jo"),
    ("@ashbybecca.bsky.social", "Becca"),
    ("@gravelgoblin.bsky.social", "gravel goblin"),
    ("@mei-lin.bsky.social", "Mei-Lin Zhou"),
    ("@rorycycles.bsky.social", "Rory"),
    ("@harrietb.bsky.social", "Harriet Bell"),
    ("@commutecat.bsky.social", "commute cat"),
    ("@danielokoro.bsky.social", "Daniel Okoro"),
    ("@fenn.bsky.social", "Fenn"),
    ("@lowgear.bsky.social", "low gear lydia"),
];

const BLUESKY_SPAM: &[Author] = &[
    ("@deals-cycling-uk.bsky.social", "Cycling Deals UK"),
    ("@vip-offers-7731.bsky.social", "VIP Offers"),
];

const GOOGLE_ENTRIES: &[Entry] = &[
    (P, "", "★★★★★ Fantastic local bike shop. Honest advice, fair prices, and they fixed my puncture while I had a coffee in the café corner. Can't recommend enough."),
    (P, "", "★★★★★ Bought an e-bike here after test riding three. No pressure at all, and the first service is free. Lovely staff."),
    (P, "", "★★★★★ Had a bike fit with Rhys. Took nearly two hours, very thorough, and the back pain I used to get on long rides has gone."),
    (P, "", "★★★★☆ Great workshop, slightly pricey café. Would go back."),
    (C, "", "★☆☆☆☆ Booked in for a service, bike was kept for 9 days with no update. When I called I was told it 'hadn't been started'. Not good enough."),
    (C, "", "★★☆☆☆ Repair didn't last. Paid for a new rear mech, it was skipping again within a week. They did re-adjust it but I had to go in twice."),
    (C, "", "★☆☆☆☆ Asked a simple question about a warranty and was made to feel stupid. Won't be rushing back."),
    (N, "", "★★★☆☆ Decent shop, bit cramped. Parking is a nightmare on market days."),
    (Q, "", "★★★★☆ Good service. Do they do tubeless conversions though? Couldn't see it on the price list."),
    (S, "", "★★★★★ Best crypto investment advice, contact +44 7700 900123 on WhatsApp"),
    (P, "", "★★★★★ Kids' bikes are great quality and they do a trade-in scheme. Our son is on his third one from here!"),
    (C, "", "★★☆☆☆ Online order took two weeks to arrive and nobody answered my emails. Staff were nice in person though."),
    (P, "", "★★★★★ Wheel build was perfect and Rhys explained every choice. Proper craftsman."),
    (N, "", "★★★☆☆ It's a bike shop. They fixed my bike. Coffee was fine."),
    (P, "", "★★★★★ Dog friendly café, water bowl outside, and they let my spaniel snooze under the table while my bike was fixed 🐶"),
    (C, "", "★☆☆☆☆ Wrong part fitted to my e-bike (brake pads for the wrong caliper). Had to go back on my day off."),
    (S, "", "★★★★★ Good. Visit my website for cheap followers and reviews www ratingboost pro"),
    (P, "", "★★★★★ Came in on a {day} with a snapped chain, halfway through a touring trip. Back on the road in 30 minutes. Thank you!"),
    (C, "", "★★☆☆☆ Still waiting for a refund for {product} I returned {weeks} ago. Polite on the phone but nothing has happened."),
    (Q, "", "★★★★☆ Nice shop. Are you open late on Thursdays? The sign on the door says one thing and the website says another."),
    (P, "", "★★★★★ {staff} was brilliant with my nervous daughter picking her first bike. Patient and kind."),
    (N, "", "★★★☆☆ Service was ok, took a day longer than they said. They did ring to tell me, to be fair."),
    (P, "", "★★★★★ Brought in my {bike} with a mystery click. {staff} found it in ten minutes (loose bottle cage bolt 🙈) and didn't charge."),
];

const GOOGLE_AUTHORS: &[Author] = &[
    ("", "Sarah Whitfield"),
    ("", "Graham P"),
    ("", "Anjali Mistry"),
    ("", "Mohammed Iqbal"),
    ("", "Jen Clarke"),
    ("", "Bartek W."),
    ("", "Rosie Thompson"),
    ("", "Ade Oyelaran"),
    ("", "Nicola Fenwick"),
    ("", "Craig Dunn"),
    ("", "Lily Chen"),
    ("", "Martin Hollis"),
    ("", "Heather Grant"),
    ("", "Siôn Evans"),
    ("", "Paula Reyes"),
];

const GOOGLE_SPAM: &[Author] = &[("", "Crypto Advisor UK"), ("", "Rating Boost")];

const TRUSTPILOT_ENTRIES: &[Entry] = &[
    (P, "", "★★★★★ Quick delivery, well packed. Lights arrived next day and were cheaper than the big online retailers."),
    (C, "", "★☆☆☆☆ Still waiting for my refund. Returned {product} {weeks} ago, tracked and signed for. Three emails, no reply."),
    (C, "", "★★☆☆☆ Parcel arrived late and the box was crushed. The product was fine in the end but communication was poor."),
    (P, "", "★★★★★ Ordered the wrong size tyre, they swapped it with no fuss and even paid the return postage."),
    (C, "", "★☆☆☆☆ Wrong part sent twice. Asked for a 160mm rotor, got 180mm, then 140mm. Gave up."),
    (N, "", "★★★☆☆ Fine. Delivery took 4 days instead of 2. Product as described."),
    (P, "", "★★★★★ Small independent shop that actually answers the phone. Refreshing."),
    (S, "", "★★★★★ I recommend Mr Frank for recovering lost funds, he got back my crypto in 48 hours. Search fund recovery desk"),
    (C, "", "★☆☆☆☆ Order {order} placed on {day}, charged straight away, dispatch email never came. Website says in stock. What's going on?"),
    (P, "", "★★★★☆ Good prices on tubes and tyres. Website is a bit clunky on mobile."),
    (Q, "", "★★★☆☆ Products fine. Can anyone tell me if they ship to Ireland? Couldn't find it at checkout."),
    (P, "", "★★★★★ Helmet arrived in 2 days, nicely packed with a handwritten thank-you. Lovely touch."),
    (C, "", "★☆☆☆☆ Ordered {product} {weeks} ago. Still nothing. Emailed twice."),
    (N, "", "★★★☆☆ Average. Nothing went wrong, nothing special either."),
    (S, "", "★★★★★ Great!!! Check out top-deals-4u for 80% discount on everything"),
    (P, "", "★★★★★ Needed {part} before a sportive on {day}. Ordered at 4pm, it came the next morning. Saved my weekend."),
];

const TRUSTPILOT_AUTHORS: &[Author] = &[
    ("", "Jason Hale"),
    ("", "R. Singh"),
    ("", "Keeley M"),
    ("", "Fergus Doyle"),
    ("", "Natalie W"),
    ("", "Gwen Pritchard"),
    ("", "Tobias Lind"),
    ("", "Hamza Ali"),
    ("", "Claire"),
    ("", "Oliver Brooks"),
    ("", "Customer"),
];

const TRUSTPILOT_SPAM: &[Author] = &[("", "Linda Thompson"), ("", "Deals4U")];

/// Posts from a local cycling blog's feed: "Title. Summary".
const RSS_ENTRIES: &[Entry] = &[
    (N, "", "Sunday social ride moves to 9:30. The Ashby Market Cycle Club's no-drop ride still starts outside Pedal & Pine on Market Street, just half an hour later from next week."),
    (P, "", "Review: a full service at Pedal & Pine. We booked our tired club hack in for the £79 full service. Honest verdict: thorough, on time, and they sent photos of the worn parts before replacing anything."),
    (N, "", "Roadworks on Station Road: what cyclists need to know. Diversion signs point riders past Pedal & Pine and through the park until the end of the month."),
    (N, "", "Repair café returns. Volunteers will be in the Pedal & Pine café corner on the first Saturday of the month with tools, tubes and tea."),
    (C, "", "Readers' letters: online orders and local shops. Several readers have written in about slow deliveries from local web shops, including Pedal & Pine. We asked the shop for comment."),
    (P, "", "Five independent bike shops worth a detour in the Midlands. Number three: Pedal & Pine in Ashby Market, for its wheel builds and the best cheese scone on two wheels."),
    (N, "", "Kids' bike amnesty: swap, don't bin. Pedal & Pine and the primary school PTA are collecting outgrown bikes to refurbish and pass on."),
    (Q, "", "Ask Spokes: do I really need a bike fit? A reader asks whether a professional fit is worth the money. We spoke to the fitter at Pedal & Pine and two club riders."),
    (N, "", "Bike Week results: 412 journeys logged. Thanks to the school, the council and Pedal & Pine for the Dr Bike sessions."),
    (S, "", "Sponsored: the 7 best crypto wallets for active people. Plus an exclusive Pedal & Pine discount code inside — click to reveal."),
    (N, "", "E-bike battery waits: a local problem? Riders tell us they're waiting six to eight weeks for replacement batteries. Pedal & Pine says the delays are with manufacturers."),
    (P, "", "Photo gallery: the Ashby Market night lights ride. Over 60 riders with lit-up bikes, starting and finishing at Pedal & Pine, with hot chocolate from the café."),
];

const RSS_AUTHORS: &[Author] = &[
    ("", "Carys Bell"),
    ("", "Tom Hargreaves"),
    ("", "Ashby Spokes"),
];

const RSS_SPAM: &[Author] = &[("", "Sponsored")];

/// Google Alerts items: the page the alert links to, and "Title — snippet".
const ALERT_ENTRIES: &[Entry] = &[
    (P, "ashbymarketmercury.co.uk/news/pedal-and-pine-shortlisted-small-business-awards", "Pedal & Pine Cycles shortlisted for Midlands Small Business Awards — Ashby Market Mercury. The independent bike shop on Market Street has been shortlisted in the customer service category..."),
    (N, "ashbymarket.gov.uk/consultations/station-road-cycle-lane", "Station Road cycle lane consultation | Ashby Market Town Council. ...responses from local businesses including Pedal & Pine Cycles and the Market Street traders' group..."),
    (S, "couponsnest.top/store/pedal-and-pine-cycles", "Pedal & Pine Cycles discount codes — 90% off, verified today! Copy code and save on bikes, helmets, e-bikes..."),
    (N, "ashbyjobs.co.uk/jobs/bicycle-mechanic-pedal-and-pine", "Bicycle Mechanic (full time) — Pedal & Pine Cycles, Ashby Market. Experience with e-bike drive systems desirable. Friendly team, café discount..."),
    (C, "ashbymarketmercury.co.uk/opinion/letters-bike-repair-waits", "Letters: why does it take weeks to get a bike repaired? — Ashby Market Mercury. ...I waited nearly a month for Pedal & Pine to fix my e-bike and heard nothing in between..."),
    (P, "ashbymarketmercury.co.uk/news/local-heroes-bike-shop-kids-bikes", "Local heroes: the bike shop that fixes kids' bikes for free — Ashby Market Mercury. Every month, Pedal & Pine Cycles..."),
    (N, "cycleshopfinder.co.uk/midlands/ashby-market/pedal-and-pine-cycles", "Pedal & Pine Cycles - Bike shop in Ashby Market - opening hours, services, reviews - CycleShopFinder"),
    (S, "sitecheck-reviews.xyz/pedalandpine-co-uk", "pedalandpine.co.uk review: scam or legit?? Our algorithm gave Pedal & Pine Cycles a trust score of... Click here to find out"),
    (Q, "ukcyclingchat.co.uk/forum/threads/pedal-and-pine-bike-fit.48213", "Anyone used Pedal & Pine for a bike fit? | UK Cycling Chat forum. Thinking of booking one at Pedal & Pine in Ashby Market, is it worth £120..."),
    (P, "stmarysashby.sch.uk/newsletter/bike-week", "Newsletter: Bike Week — St Mary's Primary. A huge thank you to Pedal & Pine Cycles for checking 140 bikes at our Dr Bike sessions..."),
    (N, "planning.ashbymarket.gov.uk/application/PA-0711-FUL", "Planning application PA/0711/FUL: change of use for café seating, 14 Market Street (Pedal & Pine Cycles). Status: awaiting decision..."),
    (C, "ashbymarketmercury.co.uk/news/high-street-footfall-up#comments", "High street footfall up — Ashby Market Mercury (comments). ...fine, but I ordered online from Pedal & Pine and I'm still waiting..."),
];

const HN_ENTRIES: &[Entry] = &[
    (P, "", "My local bike shop (Pedal & Pine, small town in the UK) runs its whole booking system off a spreadsheet and a paper diary, and honestly it works better than most SaaS I've used."),
    (P, "", "Counterpoint on right to repair: the independent shop near me (Pedal & Pine) will happily show you how to do the job yourself. They make their money on the jobs people don't want to do."),
    (N, "", "Tangential, but e-bike battery lock-in is real. My shop (Pedal & Pine in Ashby Market) quoted 8 weeks for a proprietary battery because only the manufacturer can supply it."),
    (C, "", "Anecdote: ordered from a small UK bike shop's web store (Pedal & Pine) and it took three weeks with no emails at all. Small shops need boring order-status automation far more than they need AI chatbots."),
    (Q, "", "Does anyone know what e-commerce stack small shops like Pedal & Pine use? The checkout looks like WooCommerce but the stock sync is clearly broken."),
    (P, "", "The YouTube channel of a tiny bike shop (Pedal & Pine) has better wheel-truing tutorials than most of the big channels. The long tail of expertise is one of the internet's good parts."),
    (N, "", "Re local-first software: my bike shop (Pedal & Pine) keeps service histories on an old laptop in the back. When the wifi goes down they don't even notice."),
    (P, "", "Seconding this. Pedal & Pine built me a dynamo wheel in 2019 and it has outlasted two laptops."),
    (N, "", "Ashby Market is a fun test case: population ~20k, one independent bike shop (Pedal & Pine), a chain store on the ring road, and the independent is the one doing fine."),
    (Q, "", "Ask HN: how do small shops deal with review spam? A friend who works at Pedal & Pine says they get fake 5-star 'crypto' reviews every week."),
    (N, "", "I like the idea, but in practice 'contact the customer who complained on Twitter' can feel creepy. A bike shop did that to me (Pedal & Pine) and I was surprised they'd found my post. Polite about it, though, and they fixed the problem."),
    (S, "", "Check out my new SaaS that helps bike shops like Pedal & Pine get 10x more 5-star reviews automatically! Link in profile."),
];

const HN_AUTHORS: &[Author] = &[
    ("gearinch", ""),
    ("tinkerbrook", ""),
    ("ferrule", ""),
    ("hubdynamo", ""),
    ("tarmac_and_toast", ""),
    ("kilnworth", ""),
    ("oldsteelframe", ""),
    ("quietcompiler", ""),
];

const HN_SPAM: &[Author] = &[("growthhackr", "")];

const PLATFORMS: &[PlatformData] = &[
    PlatformData {
        id: "x",
        label: "@pedalandpine on X",
        base_url: "",
        target: 36,
        entries: X_ENTRIES,
        authors: X_AUTHORS,
        spam_authors: X_SPAM,
    },
    PlatformData {
        id: "facebook",
        label: "Pedal & Pine Facebook page",
        base_url: "",
        target: 28,
        entries: FACEBOOK_ENTRIES,
        authors: FACEBOOK_AUTHORS,
        spam_authors: FACEBOOK_SPAM,
    },
    PlatformData {
        id: "instagram",
        label: "@pedalandpine on Instagram",
        base_url: "",
        target: 22,
        entries: INSTAGRAM_ENTRIES,
        authors: INSTAGRAM_AUTHORS,
        spam_authors: INSTAGRAM_SPAM,
    },
    PlatformData {
        id: "youtube",
        label: "YouTube — workshop video comments",
        base_url: "",
        target: 24,
        entries: YOUTUBE_ENTRIES,
        authors: YOUTUBE_AUTHORS,
        spam_authors: YOUTUBE_SPAM,
    },
    PlatformData {
        id: "reddit",
        label: "Reddit search: “pedal and pine”",
        base_url: "",
        target: 22,
        entries: REDDIT_ENTRIES,
        authors: REDDIT_AUTHORS,
        spam_authors: REDDIT_SPAM,
    },
    PlatformData {
        id: "mastodon",
        label: "Mastodon — mentions and #AshbyMarket",
        base_url: "https://mastodon.social",
        target: 16,
        entries: MASTODON_ENTRIES,
        authors: MASTODON_AUTHORS,
        spam_authors: MASTODON_SPAM,
    },
    PlatformData {
        id: "bluesky",
        label: "@pedalandpine on Bluesky",
        base_url: "https://public.api.bsky.app",
        target: 20,
        entries: BLUESKY_ENTRIES,
        authors: BLUESKY_AUTHORS,
        spam_authors: BLUESKY_SPAM,
    },
    PlatformData {
        id: "google_reviews",
        label: "Google reviews — Ashby Market shop",
        base_url: "",
        target: 28,
        entries: GOOGLE_ENTRIES,
        authors: GOOGLE_AUTHORS,
        spam_authors: GOOGLE_SPAM,
    },
    PlatformData {
        id: "trustpilot",
        label: "Trustpilot — online shop reviews",
        base_url: "",
        target: 20,
        entries: TRUSTPILOT_ENTRIES,
        authors: TRUSTPILOT_AUTHORS,
        spam_authors: TRUSTPILOT_SPAM,
    },
    PlatformData {
        id: "rss",
        label: "Ashby Spokes cycling blog",
        base_url: "https://ashbyspokes.co.uk/feed/",
        target: 12,
        entries: RSS_ENTRIES,
        authors: RSS_AUTHORS,
        spam_authors: RSS_SPAM,
    },
    PlatformData {
        id: "google_alerts",
        label: "Google Alert: “Pedal & Pine”",
        base_url: "https://www.google.com/alerts/feeds/08374651029384756102/4471902635518820931",
        target: 12,
        entries: ALERT_ENTRIES,
        authors: &[],
        spam_authors: &[],
    },
    PlatformData {
        id: "hacker_news",
        label: "Hacker News mentions",
        base_url: "https://hn.algolia.com/api/v1",
        target: 12,
        entries: HN_ENTRIES,
        authors: HN_AUTHORS,
        spam_authors: HN_SPAM,
    },
];

/// A fixed post by a recurring person, at a fixed age, so that the outreach
/// history and person timelines have something coherent to show.
struct Story {
    /// "<person>_<where>": the part before '_' names the same person across platforms.
    key: &'static str,
    platform: &'static str,
    author: Author,
    kind: SampleKind,
    language: &'static str,
    /// (days ago, hour, minute)
    ago: (i64, u8, u8),
    ctx: &'static str,
    text: &'static str,
}

const STORIES: &[Story] = &[
    Story {
        key: "priya_x",
        platform: "x",
        author: ("@priyaraman_", "Priya Raman"),
        kind: C,
        language: "en",
        ago: (40, 8, 12),
        ctx: "",
        text: "Ordered a helmet from @pedalandpine 3 weeks ago. Still nothing. Emailed twice.",
    },
    Story {
        key: "priya_g",
        platform: "google_reviews",
        author: ("", "Priya R."),
        kind: P,
        language: "en",
        ago: (31, 19, 40),
        ctx: "",
        text: "★★★★☆ My online order went missing with the courier and it took a tweet to get anyone's attention, which isn't great. But once they knew, they sent a replacement the same day and refunded the delivery. The shop itself is lovely.",
    },
    Story {
        key: "gethin_x",
        platform: "x",
        author: ("@gethin_morgan", "Gethin Morgan"),
        kind: Q,
        language: "cy",
        ago: (22, 7, 55),
        ctx: "",
        text: "@pedalandpine Ydych chi ar agor ddydd Sul? Mae angen tiwb newydd arna i 🚲",
    },
    Story {
        key: "gethin_masto",
        platform: "mastodon",
        author: ("@gethin@toot.wales", "Gethin Morgan"),
        kind: P,
        language: "cy",
        ago: (20, 18, 30),
        ctx: "",
        text: "Diolch o galon i Pedal & Pine yn Ashby Market – tiwb newydd a phaned o goffi mewn hanner awr. Gwasanaeth gwych! 🚲☕ #beicio #Cymraeg",
    },
    Story {
        key: "tomasz_fb",
        platform: "facebook",
        author: ("", "Tomasz Nowak"),
        kind: C,
        language: "pl",
        ago: (34, 21, 5),
        ctx: "comment",
        text: "Oddałem rower do przeglądu, zapłaciłem 65 funtów, a po tygodniu przerzutka znowu przeskakuje. Szkoda, bo wcześniej byłem bardzo zadowolony. 😕",
    },
    Story {
        key: "tomasz_g",
        platform: "google_reviews",
        author: ("", "Tomasz Nowak"),
        kind: P,
        language: "en",
        ago: (26, 12, 20),
        ctx: "",
        text: "★★★★☆ Gears were still skipping after my service. I posted about it and they called me the next morning. Turned out to be a frayed cable they'd missed. Fixed free while I waited. Good people.",
    },
    Story {
        key: "dave_reddit",
        platform: "reddit",
        author: ("kettle_dave", ""),
        kind: C,
        language: "en",
        ago: (48, 22, 47),
        ctx: "post:ukbike",
        text: "Bike shop staff in Ashby Market, is it just me? Went into Pedal & Pine about a creaking bottom bracket, got a sigh and 'have you tried cleaning it'. Yes mate, that's why I'm here.",
    },
    Story {
        key: "dave_g",
        platform: "google_reviews",
        author: ("", "Dave K"),
        kind: C,
        language: "en",
        ago: (45, 17, 15),
        ctx: "",
        text: "★☆☆☆☆ Never again. Rude staff, the creak is still there, and I was made to feel like an idiot for asking.",
    },
    Story {
        key: "hannah_ig",
        platform: "instagram",
        author: ("@hannah.okafor.rides", "Hannah Okafor"),
        kind: P,
        language: "en",
        ago: (15, 9, 30),
        ctx: "",
        text: "First proper ride on the new gravel bike 🌲🚲 Thank you @pedalandpine for the fit and the patience (and the brownie) #gravelbike #ridelocal",
    },
    Story {
        key: "hannah_yt",
        platform: "youtube",
        author: ("@HannahRidesOut", "Hannah Okafor"),
        kind: P,
        language: "en",
        ago: (12, 20, 10),
        ctx: YT_TUBELESS,
        text: "Did my first tubeless setup following this. Only a tiny bit of sealant on the cat. Thank you!",
    },
    Story {
        key: "hannah_bsky",
        platform: "bluesky",
        author: ("@hannahokafor.bsky.social", "Hannah Okafor"),
        kind: Q,
        language: "en",
        ago: (6, 13, 45),
        ctx: "",
        text: "anyone know if pedal & pine do kids' bike fits? my 5yo is between sizes and I don't want to get it wrong",
    },
    Story {
        key: "aisha_ig",
        platform: "instagram",
        author: ("@aisha.s.bakes", "Aisha Siddiqui"),
        kind: Q,
        language: "en",
        ago: (9, 11, 2),
        ctx: "",
        text: "Is the café dog friendly?? 🐶☕ Want to bring Biscuit on Saturday",
    },
    Story {
        key: "ellie_tp",
        platform: "trustpilot",
        author: ("", "Ellie Brennan"),
        kind: C,
        language: "en",
        ago: (19, 20, 30),
        ctx: "",
        text: "★☆☆☆☆ Returned a waterproof jacket 4 weeks ago (tracked, signed for on the 2nd). Still waiting for my refund. I've emailed three times. Not angry, just tired of chasing.",
    },
    Story {
        key: "ellie_fb",
        platform: "facebook",
        author: ("", "Ellie Brennan"),
        kind: C,
        language: "en",
        ago: (8, 19, 12),
        ctx: "comment",
        text: "Hi, I've left a review on Trustpilot but just in case someone sees it here — still no refund for my returned jacket. Order PP-20417. Thanks.",
    },
    Story {
        key: "sam_x",
        platform: "x",
        author: ("@samwhitlock", "Sam Whitlock"),
        kind: C,
        language: "en",
        ago: (28, 16, 40),
        ctx: "",
        text: "Asked for an 11-speed chain, got a 10-speed. Returns page wants me to pay postage on their mistake. @pedalandpine 🙄",
    },
    Story {
        key: "kwame_x",
        platform: "x",
        author: ("@kwame_rides", "Kwame Mensah"),
        kind: Q,
        language: "en",
        ago: (3, 8, 20),
        ctx: "",
        text: "@pedalandpine do you fit tubeless tyres? And roughly how much for a pair? Fed up with pinch flats 😩 #gravel",
    },
    Story {
        key: "kwame_fb",
        platform: "facebook",
        author: ("", "Kwame Mensah"),
        kind: Q,
        language: "en",
        ago: (2, 18, 0),
        ctx: "comment",
        text: "Thanks for the quick answer on X! One more — do you do bike fitting on weekday evenings? I work 9-5.",
    },
    Story {
        key: "owen_post",
        platform: "reddit",
        author: ("spokes_and_tea", ""),
        kind: C,
        language: "en",
        ago: (25, 21, 30),
        ctx: "post:ukbike",
        text: "Online order from a local bike shop 3 weeks late, what are my rights? Ordered a set of lights from Pedal & Pine's web shop, paid for next-day, it's been three weeks. Emails get an auto-reply and nothing else. Chargeback time or am I being impatient?",
    },
    Story {
        key: "owen_update",
        platform: "reddit",
        author: ("spokes_and_tea", ""),
        kind: P,
        language: "en",
        ago: (21, 12, 10),
        ctx: "post:ukbike",
        text: "Update: my late order from Pedal & Pine got sorted. They saw my post, messaged me, said the courier had lost it and sent another the same day. Refunded the delivery too. Fair play to them.",
    },
    Story {
        key: "sophie_g",
        platform: "google_reviews",
        author: ("", "Sophie Lambert"),
        kind: P,
        language: "fr",
        ago: (17, 15, 5),
        ctx: "",
        text: "★★★★★ Super atelier ! Ils ont réparé ma crevaison en vingt minutes pendant que je prenais un café. Personnel adorable, merci beaucoup.",
    },
    Story {
        key: "julien_tp",
        platform: "trustpilot",
        author: ("", "Julien Moreau"),
        kind: N,
        language: "fr",
        ago: (37, 10, 45),
        ctx: "",
        text: "★★★☆☆ Commande arrivée avec trois jours de retard, mais le produit est conforme. Dommage pour la livraison.",
    },
    Story {
        key: "lena_masto",
        platform: "mastodon",
        author: ("@lena_radelt@norden.social", "Lena"),
        kind: P,
        language: "de",
        ago: (11, 14, 22),
        ctx: "",
        text: "Auf Radreise durch Mittelengland, Speiche gebrochen – bei Pedal & Pine in Ashby Market sofort repariert, dazu Kaffee und Kuchen. Toller Laden! 🚲 #Radreise #Bikepacking",
    },
    Story {
        key: "karl_yt",
        platform: "youtube",
        author: ("@radl.karl", "Karl"),
        kind: P,
        language: "de",
        ago: (29, 21, 15),
        ctx: YT_WHEEL,
        text: "Super erklärt, endlich habe ich mein Laufrad selbst zentriert. Grüße aus Freiburg! 👍",
    },
    Story {
        key: "marta_ig",
        platform: "instagram",
        author: ("@marta.jezdzi", "Marta"),
        kind: Q,
        language: "pl",
        ago: (5, 19, 48),
        ctx: "",
        text: "Czy robicie serwis rowerów elektrycznych? Mój ma problem z baterią 🔋",
    },
    Story {
        key: "ruth_yt",
        platform: "youtube",
        author: ("@ruth.adeyemi", "Ruth Adeyemi"),
        kind: C,
        language: "en",
        ago: (14, 19, 0),
        ctx: YT_TOUR,
        text: "Shame the customer service doesn't match the videos. My bike's been in the workshop nearly three weeks and I get a different answer every time I call.",
    },
    Story {
        key: "jamie_bsky",
        platform: "bluesky",
        author: ("@jamiefraser.bsky.social", "Jamie Fraser"),
        kind: C,
        language: "en",
        ago: (10, 12, 30),
        ctx: "",
        text: "three emails, two voicemails, zero replies. I just want to know when my bike is ready @pedalandpine.bsky.social",
    },
];

/// A past or planned contact, written against a story mention.
struct Contact {
    key: &'static str,
    channel: &'static str,
    status: &'static str,
    /// Hours after the mention was posted.
    after_hours: i64,
    /// Hours after the contact (or, for "planned", hours from now); 0 = none.
    follow_up_hours: i64,
    notice: bool,
    message: &'static str,
    outcome: &'static str,
    notes: &'static str,
}

const CONTACTS: &[Contact] = &[
    Contact {
        key: "priya_x",
        channel: "public_reply",
        status: "replied",
        after_hours: 3,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Priya, I'm so sorry. Three weeks is far too long, and you shouldn't have had to email twice. Could you DM us your order number so I can chase it today? (We saw this because we keep an eye on public posts that mention the shop.) – Megan",
        outcome: "",
        notes: "",
    },
    Contact {
        key: "priya_x",
        channel: "direct_message",
        status: "resolved",
        after_hours: 7,
        follow_up_hours: 0,
        notice: false,
        message: "Thanks Priya. I've spoken to the courier: your parcel was lost in transit. A replacement helmet went out this afternoon on next-day delivery and I've refunded your delivery charge. Sorry again, and for the emails. They'd gone to a folder nobody was checking, which is fixed now.",
        outcome: "Replacement sent next day; delivery charge refunded.",
        notes: "Web-shop contact form emails were landing in a spam folder. Filter fixed.",
    },
    Contact {
        key: "gethin_x",
        channel: "public_reply",
        status: "replied",
        after_hours: 1,
        follow_up_hours: 0,
        notice: true,
        message: "Ydyn, rydyn ni ar agor 10 tan 4 ddydd Sul ac mae gennym ni diwbiau. / Yes, we're open 10–4 on Sunday and have tubes in stock. 🙂",
        outcome: "He came in on Sunday for a tube.",
        notes: "Replied in Welsh and English.",
    },
    Contact {
        key: "tomasz_fb",
        channel: "phone",
        status: "resolved",
        after_hours: 13,
        follow_up_hours: 0,
        notice: true,
        message: "Hello Tomasz, it's Beth from Pedal & Pine. I saw your comment on our Facebook page about the gears and I'm sorry they're skipping again. Would you like to bring the bike in this week so we can look at it again, free of charge? If now's not a good time, that's completely fine.",
        outcome: "Frayed gear cable missed at the service; replaced free while he waited.",
        notes: "Number from his service job sheet, where he'd asked to be phoned about the repair. Told him how we'd seen the comment.",
    },
    Contact {
        key: "dave_reddit",
        channel: "public_reply",
        status: "no_response",
        after_hours: 11,
        follow_up_hours: 0,
        notice: true,
        message: "Sorry to read this. Nobody should leave the counter feeling brushed off. If you'd like, bring the bike back and we'll look at the bottom bracket properly, no charge. Or ignore this if you'd rather; no hard feelings. (We saw this while checking public mentions of the shop.) – Olu, Pedal & Pine",
        outcome: "",
        notes: "No reply after a week. Not chasing on Reddit.",
    },
    Contact {
        key: "dave_g",
        channel: "public_reply",
        status: "declined",
        after_hours: 20,
        follow_up_hours: 0,
        notice: false,
        message: "Dave, we're sorry, and the offer stands: we'd like to sort the creak out at no cost, whenever suits you. If you'd prefer we didn't get in touch again, just say and we'll respect that.",
        outcome: "Replied under the review that he does not want to be contacted.",
        notes: "Added to the do-not-contact list (Google and Reddit) at his request. No further outreach.",
    },
    Contact {
        key: "hannah_bsky",
        channel: "public_reply",
        status: "replied",
        after_hours: 2,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Hannah, yes, bring her in any time we're open. We'll try a couple of sizes and check she can stand over the bike and reach the brakes comfortably. It takes about 15 minutes and there's no charge.",
        outcome: "Booked in for Saturday morning.",
        notes: "",
    },
    Contact {
        key: "aisha_ig",
        channel: "public_reply",
        status: "sent",
        after_hours: 1,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Aisha, yes! Dogs are very welcome in the café corner and there's a water bowl by the door. See you and Biscuit on Saturday 🐶",
        outcome: "",
        notes: "",
    },
    Contact {
        key: "ellie_tp",
        channel: "public_reply",
        status: "sent",
        after_hours: 14,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Ellie, I'm really sorry. You shouldn't have to chase a refund, and I can't find your emails on our side, which worries me. If you're happy to, email refunds@pedalandpine.co.uk with your order number and I'll look at it personally. – Megan, Pedal & Pine",
        outcome: "",
        notes: "We only have her name from the review, so we're waiting for her to get in touch rather than searching orders.",
    },
    Contact {
        key: "ellie_fb",
        channel: "email",
        status: "replied",
        after_hours: 15,
        follow_up_hours: 72,
        notice: false,
        message: "Hi Ellie, thank you for the order number. Your jacket reached us on the 2nd and the refund was issued that day, but the bank sent it back because the card has since been replaced. I'm sorry nobody told you. If you reply with how you'd like the refund paid, I'll reissue it straight away.",
        outcome: "She replied with new details; refund reissued.",
        notes: "Emailed the address on her order, with her agreement on Facebook.",
    },
    Contact {
        key: "ellie_fb",
        channel: "email",
        status: "planned",
        after_hours: 100,
        follow_up_hours: 50,
        notice: false,
        message: "Check with Ellie that the reissued refund has arrived, and apologise again for the wait.",
        outcome: "",
        notes: "Close the case once she confirms.",
    },
    Contact {
        key: "sam_x",
        channel: "public_reply",
        status: "resolved",
        after_hours: 2,
        follow_up_hours: 0,
        notice: true,
        message: "Sorry Sam, that's our mistake, not yours. If you DM us your order number we'll post the 11-speed chain today and send a prepaid label for the wrong one. Sorry for the hassle.",
        outcome: "Correct chain sent the same day, with a prepaid return label.",
        notes: "",
    },
    Contact {
        key: "kwame_x",
        channel: "public_reply",
        status: "replied",
        after_hours: 2,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Kwame, yes we do. A tubeless conversion is £35 a wheel including tape, valves and sealant, as long as the rims and tyres are tubeless-ready. Happy to look at yours first if you're not sure.",
        outcome: "",
        notes: "",
    },
    Contact {
        key: "kwame_fb",
        channel: "public_reply",
        status: "sent",
        after_hours: 1,
        follow_up_hours: 0,
        notice: false,
        message: "Hi Kwame, yes: bike fits on Tuesday and Thursday evenings until 7pm, by appointment. You can book on the website or give us a ring, whichever is easier.",
        outcome: "",
        notes: "",
    },
    Contact {
        key: "owen_post",
        channel: "direct_message",
        status: "resolved",
        after_hours: 12,
        follow_up_hours: 0,
        notice: true,
        message: "Hi, this is Megan from Pedal & Pine. I saw your post in r/ukbike and I think this may be our order. I'm sorry. If you send me your order number I'll chase the courier today. And if you'd rather not hear from us here, just say and we won't message again.",
        outcome: "Courier had lost the parcel; replacement sent the same day and delivery refunded. He posted an update.",
        notes: "",
    },
    Contact {
        key: "ruth_yt",
        channel: "public_reply",
        status: "no_response",
        after_hours: 16,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Ruth, I'm sorry about the mixed messages; that's on us. If you email workshop@pedalandpine.co.uk with your name and drop-off date, I'll give you one straight answer about when it'll be ready. – Rhys",
        outcome: "",
        notes: "No email yet. If she calls, make sure whoever answers checks the job board first.",
    },
    Contact {
        key: "jamie_bsky",
        channel: "public_reply",
        status: "replied",
        after_hours: 3,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Jamie, really sorry for the silence. Our phone line was down for part of last week, which is no excuse for unanswered emails. If you send us your job number, I'll check on your bike straight away.",
        outcome: "The bike was ready; he said he'd collect it.",
        notes: "",
    },
    Contact {
        key: "jamie_bsky",
        channel: "in_person",
        status: "resolved",
        after_hours: 70,
        follow_up_hours: 0,
        notice: false,
        message: "Said sorry face to face when Jamie collected the bike, explained the phone fault and took the labour charge off the bill.",
        outcome: "Collected the bike and said he was happy with the work.",
        notes: "He'd like workshop updates by text next time; number is on the job sheet.",
    },
    Contact {
        key: "marta_ig",
        channel: "public_reply",
        status: "sent",
        after_hours: 14,
        follow_up_hours: 0,
        notice: true,
        message: "Hi Marta, yes, we service most e-bike systems and can run a battery health check while you wait (about 20 minutes). / Tak, serwisujemy rowery elektryczne, zapraszamy! 🙂",
        outcome: "",
        notes: "",
    },
];

// ---------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------

const BUSINESS_NAME: &str = "Pedal & Pine Cycles";
const SEED: u64 = 0x5EED_7A1E_B1C7_C1E5;
/// Mentions span this many days before `now`.
const SPAN_DAYS: i64 = 75;
/// Variants (re-used templates) are kept older than this, off the first screens.
const VARIANT_MIN_DAYS: i64 = 14;
/// Relative posting activity per hour of the day.
const HOUR_WEIGHTS: [usize; 24] = [
    2, 1, 1, 0, 0, 1, 2, 5, 8, 7, 6, 6, 8, 8, 6, 6, 7, 8, 9, 10, 10, 8, 5, 3,
];

const FB_PAGE_ID: &str = "104958237716422";
const FB_PAGE_POSTS: &[&str] = &[
    "872341987654321",
    "873019276540112",
    "874455120938765",
    "875102938475610",
    "876630192847563",
];
const IG_SHOP_POSTS: &[&str] = &["C8kQ2vXyLpA", "C9a1Rt_mZ0w", "DA3fKx9sN2e", "DB0pLw-7hQc"];

const B36: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const B32_PLC: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
const B32_SORT: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
const B64_URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const DIGITS: &[u8] = b"0123456789";
const HEX: &[u8] = b"0123456789abcdef";

/// A mention before it gets its ids.
struct Draft {
    key: &'static str,
    author: Author,
    ctx: &'static str,
    text: String,
    language: &'static str,
    at: OffsetDateTime,
    kind: SampleKind,
}

pub fn sample_workspace(now: OffsetDateTime) -> SampleWorkspace {
    let mut rng = Rng(SEED);
    let mut drafts: Vec<(usize, Draft)> = Vec::new();
    let mut used = std::collections::HashSet::new();
    for (source, p) in PLATFORMS.iter().enumerate() {
        let stories: Vec<&Story> = STORIES.iter().filter(|s| s.platform == p.id).collect();
        for s in &stories {
            let (days, hour, minute) = s.ago;
            let draft = Draft {
                key: s.key,
                author: s.author,
                ctx: s.ctx,
                text: s.text.to_string(),
                language: s.language,
                at: at_time(now, days, hour, minute, rng.below(60) as u8),
                kind: s.kind,
            };
            drafts.push((source, draft));
        }
        // Every hand-written post once, then variants of the templated ones.
        let variants: Vec<&Entry> = p.entries.iter().filter(|e| e.2.contains('{')).collect();
        for i in 0..p.target.saturating_sub(stories.len()) {
            let (&(kind, ctx, template), at) = match p.entries.get(i) {
                Some(entry) => (entry, when(now, &mut rng, 0, true)),
                None if !variants.is_empty() => {
                    let entry = variants[(i - p.entries.len()) % variants.len()];
                    (entry, when(now, &mut rng, VARIANT_MIN_DAYS, false))
                }
                None => break,
            };
            let pool = match kind {
                SampleKind::Spam => p.spam_authors,
                _ => p.authors,
            };
            let author = match (pool, kind) {
                ([], _) => ("", ""),
                // Spam authors are listed in the order of the spam posts they wrote.
                (_, SampleKind::Spam) => {
                    let nth = p.entries[..i.min(p.entries.len())]
                        .iter()
                        .filter(|e| e.0 == SampleKind::Spam)
                        .count();
                    pool[nth % pool.len()]
                }
                _ => rng.pick(pool),
            };
            // Re-roll a variant that came out the same as an earlier post.
            let mut text = fill(template, &mut rng);
            for _ in 0..8 {
                if used.insert(text.clone()) {
                    break;
                }
                text = fill(template, &mut rng);
            }
            let draft = Draft {
                key: "",
                author,
                ctx,
                text,
                language: "en",
                at,
                kind,
            };
            drafts.push((source, draft));
        }
    }
    drafts.sort_by_key(|(_, d)| d.at);

    let mut seen = std::collections::HashSet::new();
    let mentions: Vec<SampleMention> = drafts
        .iter()
        .map(|(source, d)| {
            let platform = PLATFORMS[*source].id;
            let (external_id, url) = loop {
                let ids = make_ids(platform, d.ctx, d.author.0, &d.text, d.at, &mut rng);
                if seen.insert((platform, ids.0.clone())) {
                    break ids;
                }
            };
            let (handle, name) = match platform {
                "google_alerts" => ("", d.ctx.split('/').next().unwrap_or_default()),
                _ => d.author,
            };
            SampleMention {
                source: *source,
                platform,
                external_id,
                url: Some(url),
                author_handle: opt(handle),
                author_name: opt(name),
                text: d.text.clone(),
                language: opt(d.language),
                created_at: d.at,
                kind: d.kind,
            }
        })
        .collect();

    let outreach = CONTACTS
        .iter()
        .map(|c| {
            let mention = drafts
                .iter()
                .position(|(_, d)| d.key == c.key)
                .expect("every contact refers to a story");
            let jitter = Duration::minutes(5 + rng.below(50) as i64);
            let occurred_at = (drafts[mention].1.at + Duration::hours(c.after_hours) + jitter)
                .min(now - Duration::minutes(5));
            let follow_up_at = match (c.status, c.follow_up_hours) {
                (_, 0) => None,
                ("planned", h) => Some(whole_hour(now + Duration::hours(h))),
                (_, h) => Some(whole_hour(occurred_at + Duration::hours(h))),
            };
            SampleOutreach {
                mention,
                channel: c.channel,
                message: c.message.to_string(),
                status: c.status,
                occurred_at,
                follow_up_at,
                outcome: opt(c.outcome),
                notice_given: c.notice,
                notes: opt(c.notes),
            }
        })
        .collect();

    // The recurring people, by the part of the story key before '_'.
    let mut people: Vec<(&str, Vec<(&'static str, String)>)> = Vec::new();
    for ((_, d), m) in drafts.iter().zip(&mentions) {
        let Some(person) = d.key.split('_').next().filter(|p| !p.is_empty()) else {
            continue;
        };
        let Some(who) = m.author_handle.clone().or_else(|| m.author_name.clone()) else {
            continue;
        };
        let at = match people.iter().position(|(p, _)| *p == person) {
            Some(i) => i,
            None => {
                people.push((person, Vec::new()));
                people.len() - 1
            }
        };
        if !people[at].1.contains(&(m.platform, who.clone())) {
            people[at].1.push((m.platform, who));
        }
    }
    let people: Vec<Vec<(&'static str, String)>> = people
        .into_iter()
        .map(|(_, handles)| handles)
        .filter(|handles| handles.len() > 1)
        .collect();

    let sources = PLATFORMS
        .iter()
        .map(|p| SampleSource {
            platform: p.id,
            label: p.label.to_string(),
            base_url: opt(p.base_url),
        })
        .collect();
    SampleWorkspace {
        business_name: BUSINESS_NAME.to_string(),
        sources,
        mentions,
        outreach,
        people,
    }
}

/// The platform's own id for a post and an https link to it.
fn make_ids(
    platform: &str,
    ctx: &str,
    handle: &str,
    text: &str,
    at: OffsetDateTime,
    rng: &mut Rng,
) -> (String, String) {
    let bare = handle.trim_start_matches('@');
    let ms = (at.unix_timestamp_nanos() / 1_000_000) as u64;
    match platform {
        "x" => {
            // Snowflake: milliseconds since the X epoch, then 22 bits of worker/sequence.
            let id = (ms.saturating_sub(1_288_834_974_657) << 22) | (rng.next_u64() & 0x3F_FFFF);
            (id.to_string(), format!("https://x.com/{bare}/status/{id}"))
        }
        "facebook" => {
            let visitor_post = ctx == "post";
            if visitor_post {
                let post = format!("8{}", rng.chars(DIGITS, 14));
                let url = format!(
                    "https://www.facebook.com/permalink.php?story_fbid={post}&id={FB_PAGE_ID}"
                );
                (format!("{FB_PAGE_ID}_{post}"), url)
            } else {
                let post = rng.pick(FB_PAGE_POSTS);
                let comment = format!("{}{}", 1 + rng.below(9), rng.chars(DIGITS, 15));
                let url = format!(
                    "https://www.facebook.com/pedalandpinecycles/posts/{post}?comment_id={comment}"
                );
                (format!("{post}_{comment}"), url)
            }
        }
        "instagram" => {
            let id = format!("178{}", rng.chars(DIGITS, 14));
            let url = if text.contains("@pedalandpine") {
                // Their own post, tagging the shop.
                let code = format!("{}{}", rng.pick(&["C", "D"]), rng.chars(B64_URL, 10));
                format!("https://www.instagram.com/p/{code}/")
            } else {
                // A comment under one of the shop's posts.
                format!(
                    "https://www.instagram.com/p/{}/c/{id}/",
                    rng.pick(IG_SHOP_POSTS)
                )
            };
            (id, url)
        }
        "youtube" => {
            let prefix = rng.pick(&["Ugz", "Ugw", "Ugx", "Ugy"]);
            let id = format!("{prefix}{}4AaABAg", rng.chars(B64_URL, 20));
            let url = format!("https://www.youtube.com/watch?v={ctx}&lc={id}");
            (id, url)
        }
        "reddit" => {
            let (what, sub) = ctx.split_once(':').unwrap_or(("comment", "ukbike"));
            let post = format!("1{}", rng.chars(B36, 6));
            if what == "post" {
                let url = format!(
                    "https://www.reddit.com/r/{sub}/comments/{post}/{}/",
                    slug(title(text), '_')
                );
                (format!("t3_{post}"), url)
            } else {
                let comment = format!("{}{}", rng.pick(&["l", "m"]), rng.chars(B36, 6));
                let url =
                    format!("https://www.reddit.com/r/{sub}/comments/{post}/comment/{comment}/");
                (format!("t1_{comment}"), url)
            }
        }
        "mastodon" => {
            // Snowflake: milliseconds, then 16 bits of sequence.
            let id = (ms << 16) | (rng.next_u64() & 0xFFFF);
            let (user, instance) = bare.split_once('@').unwrap_or((bare, "mastodon.social"));
            (id.to_string(), format!("https://{instance}/@{user}/{id}"))
        }
        "bluesky" => {
            // The author's DID is stable per handle; the record key is a TID.
            let did = Rng(SEED ^ fnv1a(bare)).chars(B32_PLC, 24);
            let micros = (at.unix_timestamp_nanos() / 1_000) as u64;
            let rkey = tid((micros << 10) | (rng.next_u64() & 0x3FF));
            let uri = format!("at://did:plc:{did}/app.bsky.feed.post/{rkey}");
            (uri, format!("https://bsky.app/profile/{bare}/post/{rkey}"))
        }
        "google_reviews" => {
            let id = format!("ChZDSUhNMG9nS0VJQ0FnS{}EAE", rng.chars(ALNUM, 14));
            let url = format!(
                "https://www.google.com/maps/reviews/data=!4m8!14m7!1m6!2m5!1s{id}!2m1!1s0x4879f5a3c2b1d0e9:0x7c2e9a1b3d4f5a6b"
            );
            (id, url)
        }
        "trustpilot" => {
            // An ObjectId: 4 bytes of seconds, then 8 random bytes.
            let id = format!("{:08x}{}", at.unix_timestamp() as u32, rng.chars(HEX, 16));
            let url = format!("https://uk.trustpilot.com/reviews/{id}");
            (id, url)
        }
        "rss" => {
            let guid = format!("https://ashbyspokes.co.uk/?p={}", 1000 + rng.below(9000));
            let url = format!(
                "https://ashbyspokes.co.uk/{}/{:02}/{}/",
                at.year(),
                u8::from(at.month()),
                slug(title(text), '-')
            );
            (guid, url)
        }
        "google_alerts" => {
            let id = format!(
                "tag:google.com,2013:googlealerts/feed:{}{}",
                1 + rng.below(9),
                rng.chars(DIGITS, 18)
            );
            let url = format!(
                "https://www.google.com/url?rct=j&sa=t&url={}&ct=ga&cd=CAIyGjU{}&usg=AOvVaw{}",
                percent_encode(&format!("https://{ctx}")),
                rng.chars(B64_URL, 14),
                rng.chars(B64_URL, 22)
            );
            (id, url)
        }
        _ => {
            // Hacker News item ids grow by roughly 12,000 a day.
            let secs = (at.unix_timestamp() - 1_700_000_000).max(0) as usize;
            let id = 37_000_000 + secs / 7 + rng.below(997);
            (
                id.to_string(),
                format!("https://news.ycombinator.com/item?id={id}"),
            )
        }
    }
}

/// Fills in `{product}`, `{item}`, `{sized}`, `{part}`, `{weeks}`, `{day}`,
/// `{bike}`, `{staff}` and `{order}`.
fn fill(template: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        match &rest[start + 1..start + len] {
            "product" => out.push_str(rng.pick(PRODUCTS)),
            "item" => out.push_str(rng.pick(ITEMS)),
            "sized" => out.push_str(rng.pick(SIZED)),
            "part" => out.push_str(rng.pick(PARTS)),
            "weeks" => out.push_str(rng.pick(WEEKS)),
            "day" => out.push_str(rng.pick(DAYS)),
            "bike" => out.push_str(rng.pick(BIKES)),
            "staff" => out.push_str(rng.pick(STAFF)),
            "order" => out.push_str(&format!("PP-{}", 10_000 + rng.below(20_000))),
            _ => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A post time: `recent` leans towards the last few weeks; otherwise uniform.
fn when(now: OffsetDateTime, rng: &mut Rng, min_days: i64, recent: bool) -> OffsetDateTime {
    let u = rng.unit();
    let share = if recent { u * (0.5 + 0.5 * u) } else { u };
    let days = min_days + ((SPAN_DAYS - min_days) as f64 * share) as i64;
    let total: usize = HOUR_WEIGHTS.iter().sum();
    let mut r = rng.below(total);
    let hour = HOUR_WEIGHTS
        .iter()
        .position(|&w| {
            let hit = r < w;
            r = r.saturating_sub(w);
            hit
        })
        .unwrap_or(12) as u8;
    at_time(now, days, hour, rng.below(60) as u8, rng.below(60) as u8)
}

/// `days` before `now` at the given local time, moved a day back if that is not
/// comfortably in the past.
fn at_time(now: OffsetDateTime, days: i64, hour: u8, minute: u8, second: u8) -> OffsetDateTime {
    let t = Time::from_hms(hour, minute, second).expect("valid time of day");
    let mut at = (now - Duration::days(days)).replace_time(t);
    while at > now - Duration::minutes(10) {
        at -= Duration::days(1);
    }
    at
}

fn whole_hour(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_time(Time::from_hms(t.hour(), 0, 0).expect("valid hour"))
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// A post's first sentence (Reddit title, blog headline).
fn title(text: &str) -> &str {
    [". ", "? ", "! "]
        .iter()
        .filter_map(|end| text.find(end))
        .min()
        .map_or(text, |i| &text[..i])
}

fn slug(title: &str, sep: char) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An AT Protocol timestamp identifier: 13 characters of sortable base32.
fn tid(v: u64) -> String {
    (0..13)
        .map(|i| B32_SORT[((v >> (60 - 5 * i)) & 31) as usize] as char)
        .collect()
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// splitmix64: tiny, deterministic, good enough for sample data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};
    use time::macros::datetime;

    fn nows() -> [OffsetDateTime; 3] {
        [
            datetime!(2025-06-15 14:30 UTC),
            datetime!(2026-01-03 07:05 +01:00),
            datetime!(2025-11-30 23:59:59 UTC),
        ]
    }

    #[test]
    fn enough_mentions_on_every_source() {
        for now in nows() {
            let ws = sample_workspace(now);
            assert_eq!(ws.business_name, "Pedal & Pine Cycles");
            assert!(ws.mentions.len() >= 240, "{} mentions", ws.mentions.len());
            assert_eq!(ws.sources.len(), 12);
            for (i, s) in ws.sources.iter().enumerate() {
                let n = ws.mentions.iter().filter(|m| m.source == i).count();
                assert!(n >= 10, "{} has {n} mentions", s.platform);
                assert!(ws
                    .mentions
                    .iter()
                    .filter(|m| m.source == i)
                    .all(|m| m.platform == s.platform));
                if let Some(url) = &s.base_url {
                    assert!(url.starts_with("https://"), "{url}");
                }
            }
        }
    }

    #[test]
    fn kinds_have_sensible_shares() {
        let ws = sample_workspace(nows()[0]);
        let total = ws.mentions.len() as f64;
        let share = |k| ws.mentions.iter().filter(|m| m.kind == k).count() as f64 / total;
        let expected = [
            (SampleKind::Praise, 0.28, 0.42),
            (SampleKind::Complaint, 0.18, 0.32),
            (SampleKind::Question, 0.10, 0.20),
            (SampleKind::Neutral, 0.10, 0.20),
            (SampleKind::Spam, 0.06, 0.14),
        ];
        for (kind, lo, hi) in expected {
            let s = share(kind);
            assert!((lo..=hi).contains(&s), "{kind:?} share {s:.3}");
        }
    }

    #[test]
    fn ids_unique_and_urls_https() {
        for now in nows() {
            let ws = sample_workspace(now);
            let mut seen = HashSet::new();
            for m in &ws.mentions {
                assert!(
                    seen.insert((m.platform, m.external_id.clone())),
                    "{}",
                    m.external_id
                );
                let url = m.url.as_deref().expect("every sample has a url");
                assert!(url.starts_with("https://"), "{url}");
                assert!(!url.contains(' '), "{url}");
            }
        }
    }

    #[test]
    fn ids_and_urls_look_like_the_platform() {
        let ws = sample_workspace(nows()[0]);
        for m in &ws.mentions {
            let id = &m.external_id;
            let url = m.url.as_deref().unwrap_or_default();
            let ok = match m.platform {
                "x" => {
                    id.len() == 19
                        && id.bytes().all(|b| b.is_ascii_digit())
                        && url.starts_with("https://x.com/")
                        && url.ends_with(id.as_str())
                }
                "reddit" => {
                    (id.starts_with("t3_") || id.starts_with("t1_"))
                        && url.starts_with("https://www.reddit.com/r/")
                }
                "bluesky" => {
                    id.starts_with("at://did:plc:")
                        && url.starts_with("https://bsky.app/profile/")
                        && url.ends_with(id.rsplit('/').next().unwrap_or("?"))
                }
                "mastodon" => id.bytes().all(|b| b.is_ascii_digit()) && url.ends_with(id.as_str()),
                "youtube" => id.starts_with("Ug") && url.contains("youtube.com/watch?v="),
                "facebook" => id.contains('_') && url.starts_with("https://www.facebook.com/"),
                "instagram" => url.starts_with("https://www.instagram.com/p/"),
                "trustpilot" => id.len() == 24 && url.ends_with(id.as_str()),
                "google_reviews" => url.starts_with("https://www.google.com/maps/reviews/"),
                "rss" => id.starts_with("https://ashbyspokes.co.uk/"),
                "google_alerts" => id.starts_with("tag:google.com,2013:googlealerts/feed:"),
                "hacker_news" => url.ends_with(id.as_str()),
                _ => false,
            };
            assert!(ok, "{} {id} {url}", m.platform);
        }
    }

    #[test]
    fn times_are_in_the_window_and_lean_recent() {
        for now in nows() {
            let ws = sample_workspace(now);
            for m in &ws.mentions {
                assert!(m.created_at <= now, "{} in the future", m.external_id);
                assert!(m.created_at > now - Duration::days(90), "{}", m.external_id);
            }
            let recent = |lo: i64, hi: i64| {
                ws.mentions
                    .iter()
                    .filter(|m| {
                        let age = now - m.created_at;
                        age >= Duration::days(lo) && age < Duration::days(hi)
                    })
                    .count()
            };
            assert!(
                recent(0, 25) > recent(50, 75),
                "recent weeks should be denser"
            );
            let hours: HashSet<u8> = ws.mentions.iter().map(|m| m.created_at.hour()).collect();
            assert!(hours.len() >= 16, "times of day should vary");
        }
    }

    #[test]
    fn outreach_is_consistent() {
        for now in nows() {
            let ws = sample_workspace(now);
            assert!((12..=20).contains(&ws.outreach.len()));
            let channels = [
                "public_reply",
                "direct_message",
                "email",
                "phone",
                "in_person",
            ];
            let statuses = [
                "planned",
                "sent",
                "replied",
                "resolved",
                "no_response",
                "declined",
            ];
            for o in &ws.outreach {
                let m = ws.mentions.get(o.mention).expect("valid mention index");
                assert!(matches!(
                    m.kind,
                    SampleKind::Complaint | SampleKind::Question
                ));
                assert!(o.occurred_at > m.created_at && o.occurred_at < now);
                assert!(channels.contains(&o.channel) && statuses.contains(&o.status));
                assert!(!o.message.is_empty());
                if o.status == "planned" {
                    assert!(o.follow_up_at.expect("planned has a follow-up") > now);
                }
            }
            for status in statuses {
                assert!(ws.outreach.iter().any(|o| o.status == status), "{status}");
            }
            for channel in channels {
                assert!(
                    ws.outreach.iter().any(|o| o.channel == channel),
                    "{channel}"
                );
            }
        }
    }

    #[test]
    fn first_contact_with_each_person_gives_notice() {
        let ws = sample_workspace(nows()[0]);
        let person = |key: &'static str| key.split('_').next();
        let mut first: HashMap<&str, (OffsetDateTime, bool)> = HashMap::new();
        for (c, o) in CONTACTS.iter().zip(&ws.outreach) {
            let p = person(c.key).expect("contact refers to a story");
            let e = first.entry(p).or_insert((o.occurred_at, o.notice_given));
            if o.occurred_at < e.0 {
                *e = (o.occurred_at, o.notice_given);
            }
        }
        for (p, (_, notice)) in first {
            assert!(notice, "first contact with {p} should give notice");
        }
        assert!(ws.outreach.iter().filter(|o| o.notice_given).count() < ws.outreach.len());
    }

    #[test]
    fn deterministic() {
        for now in nows() {
            let a = sample_workspace(now);
            let b = sample_workspace(now);
            assert_eq!(a.mentions.len(), b.mentions.len());
            for (x, y) in a.mentions.iter().zip(&b.mentions) {
                assert_eq!(
                    (&x.text, &x.external_id, &x.url),
                    (&y.text, &y.external_id, &y.url)
                );
                assert_eq!(
                    (x.created_at, &x.author_handle),
                    (y.created_at, &y.author_handle)
                );
            }
            for (x, y) in a.outreach.iter().zip(&b.outreach) {
                assert_eq!((x.mention, x.occurred_at), (y.mention, y.occurred_at));
            }
        }
    }

    #[test]
    fn texts_are_varied_and_filled_in() {
        let ws = sample_workspace(nows()[0]);
        let distinct: HashSet<&str> = ws.mentions.iter().map(|m| m.text.as_str()).collect();
        assert!(distinct.len() >= 120, "{} distinct texts", distinct.len());
        // The newest two screens show no repeated text.
        let newest: Vec<&str> = ws
            .mentions
            .iter()
            .rev()
            .take(60)
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(newest.iter().collect::<HashSet<_>>().len(), newest.len());
        for m in &ws.mentions {
            assert!(!m.text.contains('{') && !m.text.contains('}'), "{}", m.text);
            assert!(m.author_handle.is_some() || m.author_name.is_some());
        }
        let languages: HashSet<&str> = ws
            .mentions
            .iter()
            .filter_map(|m| m.language.as_deref())
            .collect();
        for lang in ["en", "cy", "pl", "fr", "de"] {
            assert!(languages.contains(lang), "{lang}");
        }
    }

    #[test]
    fn every_hand_written_post_is_used() {
        for p in PLATFORMS {
            let stories = STORIES.iter().filter(|s| s.platform == p.id).count();
            assert!(
                p.target >= stories + p.entries.len(),
                "{} target too small",
                p.id
            );
            let templated = p.entries.iter().filter(|e| e.2.contains('{')).count();
            assert!(
                p.target == stories + p.entries.len() || templated > 0,
                "{}",
                p.id
            );
        }
        for c in CONTACTS {
            assert!(STORIES.iter().any(|s| s.key == c.key), "{}", c.key);
        }
    }

    #[test]
    fn recurring_people_post_on_several_platforms() {
        let mut platforms: HashMap<&str, HashSet<&str>> = HashMap::new();
        for s in STORIES {
            let person = s.key.split('_').next().unwrap_or_default();
            platforms.entry(person).or_default().insert(s.platform);
        }
        let multi = platforms.values().filter(|p| p.len() >= 2).count();
        assert!(multi >= 5, "{multi} people on several platforms");
    }
}
