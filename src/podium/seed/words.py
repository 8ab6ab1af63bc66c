"""The words demo data is made of: names, support conversations, coaching notes."""

from __future__ import annotations

FIRST_NAMES = (
    "Maya", "Liam", "Priya", "Noah", "Sofia", "Mateo", "Aisha", "Lucas", "Hana", "Ethan",
    "Zara", "Omar", "Chloe", "Diego", "Amara", "Felix", "Ingrid", "Kenji", "Leila", "Marcus",
    "Nadia", "Oscar", "Paula", "Rafael", "Sara", "Tomas", "Uma", "Victor", "Wen", "Yusuf",
    "Alice", "Bruno", "Carmen", "Dmitri", "Elena", "Farah", "Gabriel", "Helena", "Ivan", "Julia",
    "Kofi", "Lena", "Mina", "Nikolai", "Olivia", "Pedro", "Rosa", "Samir", "Tara", "Ada",
)
LAST_NAMES = (
    "Patel", "Nguyen", "Garcia", "Kim", "Okafor", "Rossi", "Schmidt", "Silva", "Tanaka", "Cohen",
    "Dubois", "Eriksson", "Fischer", "Haddad", "Ivanova", "Johansson", "Kowalski", "Larsen",
    "Moreau", "Novak", "Oliveira", "Park", "Quinn", "Reyes", "Sato", "Torres", "Ueda", "Varga",
    "Walsh", "Yilmaz", "Zhang", "Andersen", "Bianchi", "Castro", "Diaz", "Evans", "Ferreira",
    "Gomez", "Hughes", "Ito", "Jensen", "Khan", "Lopez", "Mensah", "Nakamura", "Ortiz", "Price",
    "Ramos", "Singh", "Tran",
)

TICKET_TYPES = ("zendesk", "zendesk", "zendesk", "intercom", "custom helpdesk")
CHANNELS = ("chat", "email", "phone")
STATUSES = ("closed", "closed", "closed", "solved", "solved", "pending", "open")

# One support conversation each: subjects, the customer's opening message, the agent's replies,
# the customer's follow-ups, how the agent closes, and the ticket's tags.
SCENARIOS = (
    {
        "subjects": ("Can't log in", "Password reset link not working", "Locked out of my account"),
        "opening": (
            "Hi, I've tried to reset my password three times but the link says it has expired.",
            "I can't log in since this morning. It keeps saying my password is wrong.",
            "My account got locked after too many attempts. Can you unlock it please?",
        ),
        "replies": (
            "Sorry about that! I've sent you a fresh reset link; it is valid for the next hour.",
            "Thanks for your patience. I've unlocked your account, could you try again now?",
            "Could you confirm the email address on the account so I can look into it?",
        ),
        "followups": (
            "It's the same email I'm writing from.",
            "Still getting the same error, I'm afraid.",
            "OK, trying now.",
        ),
        "closings": (
            "Great to hear you're back in! Anything else I can help with today?",
            "I've also turned on login alerts for you. Have a great day!",
        ),
        "tags": ("login", "password", "account_access"),
    },
    {
        "subjects": ("Charged twice this month", "Double charge on my card", "Billing error"),
        "opening": (
            "I was charged twice for my subscription this month. Please refund one of them.",
            "There are two identical charges on my card statement from you.",
            "My invoice shows a charge I don't recognise.",
        ),
        "replies": (
            "I can see the duplicate charge. I've refunded it; it shows in 3-5 business days.",
            "Thanks for flagging this. Could you share the last 4 digits of the card?",
            "I've checked with our billing team and the second charge was a pre-authorisation.",
        ),
        "followups": (
            "The last four digits are 4421.",
            "When exactly will the money be back?",
            "Thanks, that was quick.",
        ),
        "closings": (
            "The refund is confirmed. I've added a note to your account as well.",
            "You'll get an email receipt for the refund shortly. Sorry for the trouble!",
        ),
        "tags": ("billing", "refund", "duplicate_charge"),
    },
    {
        "subjects": ("Where is my order?", "Package hasn't arrived", "Delivery delayed"),
        "opening": (
            "My order was supposed to arrive on Monday and I still don't have it.",
            "Tracking hasn't updated in five days. Is my package lost?",
            "I need my order before the weekend, can you check where it is?",
        ),
        "replies": (
            "I've checked with the carrier: your parcel is at the local depot, out for delivery.",
            "I'm sorry for the delay. I've opened an investigation with the courier.",
            "Could you confirm your order number so I can track it down?",
        ),
        "followups": (
            "Order number is in the subject line of the confirmation email.",
            "If it doesn't arrive tomorrow I'd like a refund.",
            "Thanks, I'll keep an eye out.",
        ),
        "closings": (
            "I've sent a replacement with express shipping at no cost to you.",
            "Glad it arrived! Let us know if anything is wrong with the items.",
        ),
        "tags": ("shipping", "delivery", "order_status"),
    },
    {
        "subjects": ("Return request", "Wrong item received", "Item arrived damaged"),
        "opening": (
            "I received the wrong size and would like to exchange it.",
            "The item arrived with a cracked screen. I'd like a replacement.",
            "How do I return something I bought last week?",
        ),
        "replies": (
            "I'm sorry about that. I've emailed you a prepaid return label.",
            "Could you send a photo of the damage? Then I can send a replacement right away.",
            "Returns are free within 30 days; I've started one for you.",
        ),
        "followups": (
            "Photo attached.",
            "Do I need the original packaging?",
            "Perfect, thanks.",
        ),
        "closings": (
            "Your replacement has shipped; here is the tracking number.",
            "The refund will be issued as soon as the return is scanned by the carrier.",
        ),
        "tags": ("returns", "exchange", "damaged_item"),
    },
    {
        "subjects": ("App crashes on startup", "Bug: export button does nothing", "Sync error"),
        "opening": (
            "The app crashes every time I open it since the last update.",
            "When I click Export nothing happens at all.",
            "I get 'sync failed' on my phone but the web version works.",
        ),
        "replies": (
            "Thanks for the report. Which version of the app and phone are you using?",
            "This is a known issue in the latest release; a fix is rolling out this week.",
            "Could you try signing out and back in? That resets the sync token.",
        ),
        "followups": (
            "Version 4.2.1 on Android 14.",
            "Signing out didn't help.",
            "That fixed it!",
        ),
        "closings": (
            "I've linked your ticket to the bug report and will update you when the fix ships.",
            "The update with the fix is live now; please update the app from the store.",
        ),
        "tags": ("bug", "mobile", "technical"),
    },
    {
        "subjects": ("Upgrade my plan", "Change subscription", "Cancel my subscription"),
        "opening": (
            "We'd like to move from the Starter plan to Business for 25 seats.",
            "Please cancel my subscription at the end of this billing period.",
            "Can I switch from monthly to annual billing?",
        ),
        "replies": (
            "Happy to help! I've upgraded your plan; the price difference is prorated.",
            "I'm sorry to see you go. Could you share what made you decide to cancel?",
            "Annual billing saves 15%. Shall I make the switch now?",
        ),
        "followups": (
            "Mostly price, to be honest.",
            "Yes please, go ahead.",
            "Will we lose any data?",
        ),
        "closings": (
            "Done! You'll see the new plan on your next invoice.",
            "Your data stays available for 90 days after cancellation, should you come back.",
        ),
        "tags": ("subscription", "plan_change", "retention"),
    },
    {
        "subjects": ("Promo code not accepted", "Discount missing", "Gift card balance"),
        "opening": (
            "The promo code from your newsletter says it's invalid.",
            "I didn't get the 20% discount at checkout.",
            "How do I check the balance on my gift card?",
        ),
        "replies": (
            "That code expired yesterday, but I've applied the discount to your order manually.",
            "I've refunded the difference to your original payment method.",
            "Your gift card has a balance of $42.50.",
        ),
        "followups": (
            "Thank you, that's very kind.",
            "Can I use it together with the gift card?",
            "Great, thanks.",
        ),
        "closings": (
            "You're all set. Enjoy your purchase!",
            "Anything else I can do for you today?",
        ),
        "tags": ("promotions", "discount", "checkout"),
    },
    {
        "subjects": ("Update my address", "Change email on account", "Delete my account"),
        "opening": (
            "I moved; please update my shipping address.",
            "I need to change the email address on my account.",
            "Please delete my account and all my data.",
        ),
        "replies": (
            "For security, could you confirm the last order number on the account?",
            "I've updated it. You'll get a confirmation email at the new address.",
            "I've started the deletion request; it completes within 30 days as required by law.",
        ),
        "followups": (
            "The last order was placed on the 3rd.",
            "Got the confirmation, thanks.",
            "Will I get a confirmation when it's done?",
        ),
        "closings": (
            "All updated. Thanks for keeping your details current!",
            "Yes, you'll get an email once it's complete.",
        ),
        "tags": ("account", "profile", "privacy"),
    },
)

CUSTOMER_THANKS = (
    "Thanks so much for your help!",
    "Perfect, that's everything. Thank you.",
    "Appreciate it, have a good day.",
    "OK thanks.",
)
INTERNAL_NOTES = (
    "Escalated to Tier 2 for a second look.",
    "Customer is a VIP; handled with priority.",
    "Checked the logs: the error matches the known incident.",
)
PRIORITIES = ("low", "normal", "normal", "normal", "high", "urgent")

SESSION_NAMES = (
    "Weekly 1:1",
    "Monthly performance review",
    "QA review: tone and empathy",
    "QA review: troubleshooting steps",
    "Calibration follow-up",
    "New hire check-in",
    "CSAT deep dive",
    "Handle time review",
    "Escalations review",
)
SESSION_CONTENTS = (
    "",
    "Performance\nHow do you feel about your recent performance?\nAny blockers in your "
    "workflow?\n\nGrowth\nAreas where you have grown since the last review.\n\nDevelopment "
    "Goals\nWhat skills do you want to hone in on this quarter?\n",
    "Wins this week\n\nTickets to review together\n\nAction items\n",
    "Scores since last session\n\nOne strength to keep\n\nOne opportunity to work on\n",
)
COACH_NOTES = (
    "",
    "Great empathy statements; keep acknowledging the customer's frustration first.",
    "Let's work on setting expectations about refund timelines.",
    "Troubleshooting was thorough. Try to summarise the steps for the customer at the end.",
    "Handle time is above team average on billing tickets; shadow a Tier 2 agent this week.",
    "Excellent CSAT this month. Share your macros with the team?",
)
AGENT_NOTES = (
    "",
    "I'd like more practice with escalations.",
    "The new refund macro helped a lot.",
    "I'm unsure when to offer a discount; can we go over the policy?",
)
PRIVATE_NOTES = (
    "",
    "Consider for the Tier 2 pilot.",
    "Check progress on tone in two weeks.",
    "Good candidate to mentor new hires.",
)
MEETING_WEIGHTS = (("inPerson", 5), ("virtual", 4), ("async", 1))

POINT_NOTES = (
    None,
    "Let's talk about greeting",
    "Good job asking probing questions",
    "Missed the chance to offer the knowledge-base article",
    "Perfect de-escalation on a tough ticket",
    "Confirm the resolution with the customer before closing",
    "Great use of the customer's name throughout",
    "Remember to tag billing tickets correctly",
)
TODO_TITLES = (
    "Review the refund policy article",
    "Shadow a Tier 2 agent for one hour",
    "Rewrite the password-reset macro",
    "Read the new escalation guide",
    "Practice the empathy statements list",
    "Complete the billing system training",
    "Listen back to two of your calls",
    "Update your saved replies",
)
TODO_DESCRIPTIONS = (
    "",
    "Take notes and bring questions to the next 1:1.",
    "Focus on the tickets we reviewed together.",
    "Due before the end of the week.",
)
