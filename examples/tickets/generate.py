"""Generates the synthetic support-ticket data set of examples/tickets (tickets.csv, labelled.csv).

Every ticket is composed from the phrase lists below by a seeded random generator, so the files are
reproducible (python3 generate.py) and contain no real customer's text. Some tickets mix topics on
purpose (a refund asked for because the app crashed, a login problem after a card expired), so that
keyword rules make the kind of mistakes they make on real tickets.
"""
import csv
import random

rng = random.Random(20261203)

GREETINGS = ["Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,", "", "", "Hey,"]
CLOSINGS = ["Thanks.", "Thank you!", "Regards, {name}", "Cheers, {name}", "Please help.", "", "Thanks in advance."]
NAMES = ["Ana", "Ben", "Chloe", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luca",
         "Mia", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yara"]
TIERS = ["free", "free", "free", "pro", "pro", "enterprise"]
PLANS = ["Pro", "Team", "Business", "Starter"]
FEATURES = ["the export", "the dashboard", "the mobile app", "the sync", "the calendar view", "search",
            "the CSV import", "notifications", "the API", "file uploads"]
ERRORS = ["error 500", "a blank page", "a timeout", "'something went wrong'", "error code E42", "a spinning wheel"]

BILLING = [
    ("Charged twice this month", "I was charged twice for my {plan} plan this month. Can you refund the second payment?"),
    ("Refund request", "I cancelled my subscription last week but was still billed {amount}. I would like a refund."),
    ("Invoice needed", "Could you send me an invoice for the last payment? Our accounting needs the VAT number on it."),
    ("Wrong amount on invoice", "The invoice for {month} shows {amount} but our plan costs less. Please correct it."),
    ("Card declined", "My card was declined when renewing the {plan} plan. I updated the card but the payment still fails."),
    ("Change billing address", "We moved offices. How do I change the billing address printed on invoices?"),
    ("Upgrade pricing question", "If we upgrade from Starter to {plan} in the middle of the month, is the price prorated?"),
    ("Cancel subscription", "Please cancel our subscription at the end of the billing period and confirm by email."),
    ("Discount not applied", "The discount code from your newsletter was not applied to my payment of {amount}."),
    ("Payment method", "Can we pay by bank transfer instead of credit card for the annual {plan} plan?"),
    ("Tax on invoice", "Why is there sales tax on my invoice? We are a non-profit and sent the exemption form."),
    ("Annual plan refund", "We paid for the annual plan by mistake and meant the monthly one. Can the difference be refunded?"),
]
TECHNICAL = [
    ("{feature_t} not working", "{feature_c} shows {error} since this morning. I tried another browser, same result."),
    ("App crashes on start", "The mobile app crashes as soon as I open it, after the latest update. Phone restarted already."),
    ("Sync is stuck", "Sync has been stuck at 80% for two days. Changes on my laptop never reach my phone."),
    ("Export fails", "Exporting a report with more than 1,000 rows fails with {error}."),
    ("Slow dashboard", "The dashboard takes over a minute to load for our team. It used to be instant."),
    ("API returns 429", "Our integration gets HTTP 429 from the API after a few requests although we are under the limit."),
    ("Upload bug", "File uploads over 20 MB stop at 99% and then show {error}."),
    ("Notifications missing", "I no longer get notifications for new comments, on desktop or mobile."),
    ("CSV import broken", "The CSV import says the file is invalid, but it opens fine in Excel. Is it the semicolons?"),
    ("Calendar shows wrong time", "All events in the calendar view are shifted by one hour since the clock change."),
    ("Search returns nothing", "Search returns no results for documents I can see in the folder."),
    ("Bug in the editor", "Typing in the editor sometimes deletes the previous word. Looks like a bug."),
]
ACCOUNT = [
    ("Cannot log in", "I cannot log in: the password reset email never arrives. I checked the spam folder."),
    ("Reset password", "How do I reset my password? The link in the email says it has expired."),
    ("Change email address", "I need to change the email address of my account to my new work address."),
    ("Delete my account", "Please delete my account and all my data, as the privacy policy allows."),
    ("Add a team member", "How can I invite a colleague to our workspace? The invite button is greyed out."),
    ("Two-factor authentication", "I lost my phone and cannot get the two-factor code. How do I get back into my account?"),
    ("Transfer ownership", "Our admin left the company. How do we transfer ownership of the workspace to me?"),
    ("Username change", "Can I change my username? It still shows my maiden name."),
    ("Locked out", "My account is locked after too many login attempts. How long until I can sign in again?"),
    ("SSO setup", "We want single sign-on with our identity provider for all users of our account."),
    ("Remove a user", "Please remove {name} from our workspace, they no longer work here."),
    ("Merge two accounts", "I accidentally created two accounts with different emails. Can they be merged?"),
]
# Tickets that mix topics; the category is the one a support lead would file them under.
MIXED = [
    ("BILLING", "Refund after crash", "The app crashed during the whole week and we could not work. We would like a refund for {month}."),
    ("BILLING", "Charged after deleting account", "I deleted my account in {month} but my card was still charged {amount}."),
    ("ACCOUNT", "Login fails after payment", "After updating my payment card I cannot log in anymore, it says the password is wrong."),
    ("TECHNICAL", "Invoice page error", "The invoices page shows {error} when I click download. The payment itself went through."),
    ("ACCOUNT", "Email change for invoices", "Please change the email address on my account so that invoices go to finance@ourcompany.example."),
    ("TECHNICAL", "Password field bug", "The password field on the settings page does not accept the @ character. Looks like a bug in the form."),
    ("BILLING", "Pay for more seats", "We added three team members. How do we pay for the extra seats on the {plan} plan?"),
    ("TECHNICAL", "Login page slow", "The login page takes 30 seconds to load, then shows {error}. Other sites work fine."),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def fill(text, name):
    feature = rng.choice(FEATURES)
    return text.format(plan=rng.choice(PLANS), amount=f"${rng.choice([9, 12, 29, 49, 99, 199])}.00",
                       month=rng.choice(MONTHS), feature_t=feature.removeprefix("the ").capitalize(),
                       feature_c=feature[0].upper() + feature[1:], error=rng.choice(ERRORS), name=name)


def ticket(i):
    r = rng.random()
    if r < 0.12:
        category, subject, body = rng.choice(MIXED)
    else:
        category = rng.choices(["BILLING", "TECHNICAL", "ACCOUNT"], weights=[0.35, 0.40, 0.25])[0]
        subject, body = rng.choice({"BILLING": BILLING, "TECHNICAL": TECHNICAL, "ACCOUNT": ACCOUNT}[category])
    name = rng.choice(NAMES)
    text = " ".join(p for p in [rng.choice(GREETINGS), fill(body, rng.choice(NAMES)),
                                rng.choice(CLOSINGS).format(name=name)] if p)
    if rng.random() < 0.3:
        text = text.lower()
    day = 1 + i % 28
    return {"ticket_id": f"T-{10400 + i}", "created": f"2026-{1 + (i // 28) % 12:02d}-{day:02d}",
            "customer tier": rng.choice(TIERS), "subject": fill(subject, name), "body": text, "category": category}


rows = [ticket(i) for i in range(700)]
fields = ["ticket_id", "created", "customer tier", "subject", "body", "category"]
with open("tickets.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fields, lineterminator="\n")
    w.writeheader()
    for row in rows[:550]:
        w.writerow({**row, "category": ""})
with open("labelled.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows[550:])
