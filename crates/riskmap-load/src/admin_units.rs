//! The administrative units of the geography as store rows (the `school` table's district and
//! region columns refer to them, so they are stored before any school).

use riskmap_model::AdminLevel;
use riskmap_store::AdminUnitRow;

/// Regions, then districts, with names and populations.
pub fn admin_units(geography: &riskmap_geo::Geography) -> Vec<AdminUnitRow> {
    let regions = geography.regions().iter().map(|r| AdminUnitRow {
        kato: r.kato,
        level: AdminLevel::Region,
        parent: None,
        unit_type: r.unit_type.as_str().to_owned(),
        name_kk: r.names.kk.clone(),
        name_ru: r.names.ru.clone(),
        name_en: r.names.en.clone(),
        population: Some(r.population),
    });
    let districts = geography.districts().iter().map(|d| AdminUnitRow {
        kato: d.kato,
        level: AdminLevel::District,
        parent: Some(d.region),
        unit_type: d.unit_type.as_str().to_owned(),
        name_kk: d.names.kk.clone(),
        name_ru: d.names.ru.clone(),
        name_en: d.names.en.clone(),
        population: d.population,
    });
    regions.chain(districts).collect()
}
