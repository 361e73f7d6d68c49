//! The figures on a real store filled by its own transitions, whose answers are known.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use entraide_commands::{
    AgeBand, Category, Gender, Lang, Profile, Reading, Relation, VolunteerStatus, When,
};
use entraide_storage::{
    ByState, Effect, ErasedBy, FigureQuery, Load, NewRequest, Request, Signature, Store, Volunteers,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn none(_: &Request) -> Vec<Effect> {
    Vec::new()
}

/// 2026-11-01 00:00 UTC plus `days` days and `minutes` minutes.
fn at(days: i64, minutes: i64) -> DateTime<Utc> {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap_or_default();
    start + TimeDelta::days(days) + TimeDelta::minutes(minutes)
}

fn ask(requester: &str, neighbourhood: Option<&str>, category: Category) -> NewRequest {
    NewRequest {
        requester: requester.to_owned(),
        origin_room: match requester {
            "@coord:x" => "!coordination:x".to_owned(),
            _ => "!quartier:x".to_owned(),
        },
        neighbourhood: neighbourhood.map(str::to_owned),
        text: "une demande".to_owned(),
        reading: Reading {
            category,
            when: When::Asap,
            on_behalf: (category == Category::Visit).then_some(Relation::Mother),
        },
        lang: Lang::Fr,
        informs: false,
    }
}

#[tokio::test]
async fn figures_count_what_the_log_says_in_the_period_and_the_one_before() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut event = 0;
    let mut next_event = || {
        event += 1;
        format!("$e{event}")
    };
    // October (the period before): two requests, one done.
    for requester in ["@a:x", "@b:x"] {
        let new = ask(requester, Some("Centre"), Category::Groceries);
        store.create_request(new, &next_event(), at(-10, 0), none).await?;
    }
    store.claim(1, "@v1:x", None, at(-10, 30), none).await?;
    store.done(1, "@v1:x", None, None, at(-9, 0), none).await?;
    // November: eight requests.
    let plan: [(&str, Option<&str>, Category); 8] = [
        ("@a:x", Some("Centre"), Category::Groceries),
        ("@a:x", Some("Centre"), Category::Pharmacy),
        ("@c:x", Some("Les Tilleuls"), Category::Visit),
        ("@d:x", Some("Le Moulin"), Category::Lift),
        ("@e:x", None, Category::Groceries),
        ("@coord:x", None, Category::Visit),
        ("@f:x", Some("Centre"), Category::Groceries),
        ("@g:x", Some("Centre"), Category::Other),
    ];
    let mut numbers = Vec::new();
    for (i, (requester, place, category)) in plan.into_iter().enumerate() {
        let new = ask(requester, place, category);
        let minutes = i64::try_from(i)? * 60;
        numbers
            .push(store.create_request(new, &next_event(), at(2, minutes), none).await?.0.number);
    }
    // Claimed after 10, 20, 30, 40, 50, 60 minutes; five done (v1 three times, v2 once,
    // v3 once), one held, one cancelled, one expired.
    for (i, number) in numbers.iter().take(6).enumerate() {
        let volunteer = ["@v1:x", "@v1:x", "@v1:x", "@v2:x", "@v3:x", "@v4:x"][i];
        let waited = i64::try_from(i)? * 60 + 10 * (i64::try_from(i)? + 1);
        store.claim(*number, volunteer, None, at(2, waited), none).await?;
        if i < 5 {
            store.done(*number, volunteer, None, None, at(3, 0), none).await?;
        }
    }
    store.cancel(numbers[6], "@f:x", false, None, at(4, 0), none).await?;
    store.follow_up(numbers[7], entraide_storage::Step::Expire, at(5, 0), none).await?;
    // Volunteers: two signed, three vetted.
    for (user, signed) in [("@v1:x", true), ("@v2:x", true), ("@v3:x", false)] {
        store
            .set_volunteer_status(user, VolunteerStatus::Vetted, "@coord:x", None, false, at(0, 0))
            .await?;
        if signed {
            let signature = Signature { at: at(0, 0), version: "v1".to_owned() };
            store.update_person(user, |person| person.charter = Some(signature.clone())).await?;
        }
    }

    let communes: HashMap<String, String> = [
        ("Centre".to_owned(), "Saint-Martin".to_owned()),
        ("Les Tilleuls".to_owned(), "Saint-Martin".to_owned()),
        ("Le Moulin".to_owned(), "Villeneuve".to_owned()),
    ]
    .into();
    let query = FigureQuery {
        from: at(0, 0),
        to: at(30, 0),
        before: at(-31, 0),
        communes: &communes,
        default_commune: "Communauté",
        phone_room: "!coordination:x",
        now: at(30, 0),
    };
    let figures = store.figures(&query)?;
    assert_eq!(figures.requests, 8);
    assert_eq!(figures.requests_before, 2);
    assert_eq!(
        figures.by_state,
        ByState { open: 0, claimed: 1, done: 5, cancelled: 1, expired: 1 }
    );
    assert_eq!(figures.by_category.get(&Category::Groceries), Some(&3));
    assert_eq!(figures.by_category.get(&Category::Visit), Some(&2));
    assert_eq!(figures.by_category.get(&Category::Repairs), None);
    let saint_martin = &figures.by_commune["Saint-Martin"];
    assert_eq!(saint_martin.requests, 5);
    assert_eq!(saint_martin.neighbourhoods[&Some("Centre".to_owned())], 4);
    assert_eq!(figures.by_commune["Villeneuve"].requests, 1);
    // No neighbourhood: the community's.
    assert_eq!(figures.by_commune["Communauté"].neighbourhoods[&None], 2);
    // @a asked twice; the phone-in is not counted as the coordinator asking.
    assert_eq!(figures.beneficiaries, 6);
    assert_eq!(figures.beneficiaries_before, 2);
    assert_eq!(figures.on_behalf, 2);
    assert_eq!(figures.by_phone, 1);
    assert_eq!(figures.claim_minutes, [10, 20, 30, 40, 50, 60]);
    assert_eq!(figures.claim_median(), Some(30));
    assert_eq!(figures.claim_p90(), Some(60));
    assert_eq!(figures.load, Load { once: 2, few: 1, many: 0 });
    assert_eq!(figures.done_before, 1);
    assert_eq!(figures.volunteers, Volunteers { signed: 2, vetted: 3, paused: 0, active: 4 });

    // The period before, asked as such: October's two, none in the month before it.
    let october = FigureQuery { from: at(-31, 0), to: at(0, 0), before: at(-61, 0), ..query };
    let figures = store.figures(&october)?;
    assert_eq!((figures.requests, figures.requests_before), (2, 0));
    assert_eq!(figures.claim_median(), None, "fewer than five claims give no median");
    Ok(())
}

#[tokio::test]
async fn declared_profiles_are_counted_apart_asked_once_given_and_forgotten() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let woman_80 = Profile { age: Some(AgeBand::From75To84), gender: Some(Gender::Woman) };
    // Six people ask; five declared a profile, one of them only a gender.
    for (i, requester) in ["@a:x", "@b:x", "@c:x", "@d:x", "@e:x", "@f:x"].into_iter().enumerate() {
        let new = ask(requester, Some("Centre"), Category::Groceries);
        store.create_request(new, &format!("$e{i}"), at(1, 0), none).await?;
        assert!(store.ask_profile_once(requester, at(1, 1)).await?, "asked the first time");
        assert!(!store.ask_profile_once(requester, at(1, 2)).await?, "never twice");
    }
    for user in ["@a:x", "@b:x", "@c:x", "@d:x"] {
        store.set_profile(user, Some(woman_80), at(1, 5)).await?;
    }
    store
        .set_profile("@e:x", Some(Profile { age: None, gender: Some(Gender::Man) }), at(1, 5))
        .await?;
    // A volunteer's profile counts among volunteers, not among the people helped.
    store
        .set_volunteer_status("@v:x", VolunteerStatus::Vetted, "@coord:x", None, false, at(0, 0))
        .await?;
    store.set_profile("@v:x", Some(woman_80), at(1, 5)).await?;
    let communes = HashMap::new();
    let query = FigureQuery {
        from: at(0, 0),
        to: at(30, 0),
        before: at(-30, 0),
        communes: &communes,
        default_commune: "Communauté",
        phone_room: "!coordination:x",
        now: at(30, 0),
    };
    let figures = store.figures(&query)?;
    let helped = &figures.declared_beneficiaries;
    assert_eq!(helped.answered, 5);
    assert_eq!(helped.by_gender.get(&Gender::Woman), Some(&4));
    assert_eq!(helped.by_gender.get(&Gender::Man), Some(&1));
    assert_eq!(helped.by_age.get(&AgeBand::From75To84), Some(&4));
    assert_eq!(figures.declared_volunteers.answered, 1);

    // Erased by the person: still asked, nothing declared, no longer counted.
    store.set_profile("@e:x", None, at(2, 0)).await?;
    let record = store.profile("@e:x")?.ok_or("still asked")?;
    assert_eq!((record.profile, record.answered_at), (Profile::default(), None));
    assert_eq!(store.figures(&query)?.declared_beneficiaries.answered, 4);
    // In the person's data, then gone with them.
    let data = store.person_data("@a:x", at(3, 0))?;
    assert_eq!(data.profile.map(|record| record.profile), Some(woman_80));
    store.forget("@a:x", at(3, 0), ErasedBy::Themselves, |_, _| Vec::new()).await?;
    assert_eq!(store.profile("@a:x")?, None);
    assert_eq!(store.figures(&query)?.declared_beneficiaries.answered, 3);
    Ok(())
}

#[tokio::test]
async fn a_request_first_taken_weeks_after_its_period_still_counts_its_wait() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    // Posted on 1 November, taken on 21 December (a request for a date far ahead);
    // meanwhile the log goes on with other requests, day after day.
    let new = ask("@a:x", Some("Centre"), Category::Visit);
    store.create_request(new, "$late", at(0, 0), none).await?;
    for day in 1..50 {
        let new = ask("@b:x", Some("Centre"), Category::Groceries);
        let (request, _) = store.create_request(new, &format!("$e{day}"), at(day, 0), none).await?;
        store.cancel(request.number, "@b:x", false, None, at(day, 10), none).await?;
    }
    store.claim(1, "@v:x", None, at(50, 0), none).await?;
    let communes = HashMap::new();
    let november = FigureQuery {
        from: at(0, 0),
        to: at(30, 0),
        before: at(-31, 0),
        communes: &communes,
        default_commune: "Communauté",
        phone_room: "!coordination:x",
        now: at(60, 0),
    };
    let figures = store.figures(&november)?;
    assert_eq!(figures.requests, 30);
    assert_eq!(figures.by_state.cancelled, 29);
    assert_eq!(figures.claim_minutes, [50 * 24 * 60]);
    Ok(())
}
