import Foundation

/// Windows time-zone ids (what EWS sends in `StartTimeZone Id`, `StartTimeZoneId`
/// and `TimeZoneDefinition Id`, e.g. "W. Europe Standard Time") and IANA
/// zones (Foundation's `TimeZone`), both ways.
///
/// The table is CLDR's `common/supplemental/windowsZones.xml` (unicode-org/cldr,
/// commit 062dc06d16b0884bc42b0b04e5408aec6b85eb20): every Windows id with its
/// territory "001" zone (the one a Windows id maps to) and the zones of its
/// other territories (which map back to it).
public enum WindowsTimeZones {
    /// The zone for a Windows id; nil when the id is unknown. Also takes
    /// "tzone://Microsoft/Utc", which Exchange sends for UTC.
    public static func timeZone(forWindowsId id: String) -> TimeZone? {
        let key = id.trimmingCharacters(in: .whitespaces)
        if key.caseInsensitiveCompare(microsoftUTC) == .orderedSame { return TimeZone(identifier: "UTC") }
        guard let iana = table.primary[key] else { return nil }
        return TimeZone(identifier: iana) ?? renamed[iana].flatMap { TimeZone(identifier: $0) }
    }

    /// The Windows id for a zone; nil when CLDR maps it to none.
    public static func windowsId(for zone: TimeZone) -> String? {
        let id = zone.identifier
        if ["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"].contains(id) {
            return "UTC"
        }
        return table.windows[id] ?? formerName[id].flatMap { table.windows[$0] }
    }

    /// Every Windows id CLDR knows, with its "001" zone, in the table's order (by UTC offset).
    public static var all: [(windowsId: String, iana: String)] { table.ordered }

    static let microsoftUTC = "tzone://Microsoft/Utc"

    private struct Table {
        var ordered: [(windowsId: String, iana: String)] = []
        var primary: [String: String] = [:]
        var windows: [String: String] = [:]
    }

    private static let table: Table = {
        var t = Table()
        for line in cldr.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            t.ordered.append((fields[0], fields[1]))
            t.primary[fields[0]] = fields[1]
            for zone in [fields[1]] + fields[2].split(separator: " ").map(String.init) where t.windows[zone] == nil {
                t.windows[zone] = fields[0]
            }
        }
        return t
    }()

    /// CLDR keeps the first name a zone had; tzdata has renamed these since,
    /// and a system may know only one of the two names.
    private static let renamed: [String: String] = [
        "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon",
        "Asia/Saigon": "Asia/Ho_Chi_Minh", "Europe/Kiev": "Europe/Kyiv", "America/Godthab": "America/Nuuk",
        "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
        "America/Indianapolis": "America/Indiana/Indianapolis",
        "America/Louisville": "America/Kentucky/Louisville", "America/Catamarca": "America/Argentina/Catamarca",
        "America/Cordoba": "America/Argentina/Cordoba", "America/Jujuy": "America/Argentina/Jujuy",
        "America/Mendoza": "America/Argentina/Mendoza", "America/Coral_Harbour": "America/Atikokan",
        "Atlantic/Faeroe": "Atlantic/Faroe", "Africa/Asmera": "Africa/Asmara", "Pacific/Truk": "Pacific/Chuuk",
        "Pacific/Ponape": "Pacific/Pohnpei", "Pacific/Enderbury": "Pacific/Kanton",
    ]
    private static let formerName: [String: String] = Dictionary(renamed.map { ($1, $0) }) { first, _ in first }

    /// `Windows id|territory 001 zone|zones of the other territories`.
    private static let cldr = """
        Dateline Standard Time|Etc/GMT+12|
        UTC-11|Etc/GMT+11|Pacific/Pago_Pago Pacific/Niue Pacific/Midway
        Aleutian Standard Time|America/Adak|
        Hawaiian Standard Time|Pacific/Honolulu|Pacific/Rarotonga Pacific/Tahiti Etc/GMT+10
        Marquesas Standard Time|Pacific/Marquesas|
        Alaskan Standard Time|America/Anchorage|America/Juneau America/Metlakatla America/Nome America/Sitka America/Yakutat
        UTC-09|Etc/GMT+9|Pacific/Gambier
        Pacific Standard Time (Mexico)|America/Tijuana|
        UTC-08|Etc/GMT+8|Pacific/Pitcairn
        Pacific Standard Time|America/Los_Angeles|America/Vancouver
        US Mountain Standard Time|America/Phoenix|America/Creston America/Dawson_Creek America/Fort_Nelson America/Hermosillo Etc/GMT+7
        Mountain Standard Time (Mexico)|America/Mazatlan|
        Mountain Standard Time|America/Denver|America/Edmonton America/Cambridge_Bay America/Inuvik America/Ciudad_Juarez America/Boise
        Yukon Standard Time|America/Whitehorse|America/Dawson
        Central America Standard Time|America/Guatemala|America/Belize America/Costa_Rica Pacific/Galapagos America/Tegucigalpa America/Managua America/El_Salvador Etc/GMT+6
        Central Standard Time|America/Chicago|America/Winnipeg America/Rankin_Inlet America/Resolute America/Matamoros America/Ojinaga America/Indiana/Knox America/Indiana/Tell_City America/Menominee America/North_Dakota/Beulah America/North_Dakota/Center America/North_Dakota/New_Salem
        Easter Island Standard Time|Pacific/Easter|
        Central Standard Time (Mexico)|America/Mexico_City|America/Bahia_Banderas America/Merida America/Monterrey America/Chihuahua
        Canada Central Standard Time|America/Regina|America/Swift_Current
        SA Pacific Standard Time|America/Bogota|America/Rio_Branco America/Eirunepe America/Coral_Harbour America/Guayaquil America/Jamaica America/Cayman America/Panama America/Lima Etc/GMT+5
        Eastern Standard Time (Mexico)|America/Cancun|
        Eastern Standard Time|America/New_York|America/Nassau America/Toronto America/Iqaluit America/Detroit America/Indiana/Petersburg America/Indiana/Vincennes America/Indiana/Winamac America/Kentucky/Monticello America/Louisville
        Haiti Standard Time|America/Port-au-Prince|
        Cuba Standard Time|America/Havana|
        US Eastern Standard Time|America/Indianapolis|America/Indiana/Marengo America/Indiana/Vevay
        Turks And Caicos Standard Time|America/Grand_Turk|
        Paraguay Standard Time|America/Asuncion|
        Atlantic Standard Time|America/Halifax|Atlantic/Bermuda America/Glace_Bay America/Goose_Bay America/Moncton America/Thule
        Venezuela Standard Time|America/Caracas|
        Central Brazilian Standard Time|America/Cuiaba|America/Campo_Grande
        SA Western Standard Time|America/La_Paz|America/Antigua America/Anguilla America/Aruba America/Barbados America/St_Barthelemy America/Kralendijk America/Manaus America/Boa_Vista America/Porto_Velho America/Blanc-Sablon America/Curacao America/Dominica America/Santo_Domingo America/Grenada America/Guadeloupe America/Guyana America/St_Kitts America/St_Lucia America/Marigot America/Martinique America/Montserrat America/Puerto_Rico America/Lower_Princes America/Port_of_Spain America/St_Vincent America/Tortola America/St_Thomas Etc/GMT+4
        Pacific SA Standard Time|America/Santiago|
        Newfoundland Standard Time|America/St_Johns|
        Tocantins Standard Time|America/Araguaina|
        E. South America Standard Time|America/Sao_Paulo|
        SA Eastern Standard Time|America/Cayenne|Antarctica/Rothera Antarctica/Palmer America/Fortaleza America/Belem America/Maceio America/Recife America/Santarem Atlantic/Stanley America/Paramaribo Etc/GMT+3
        Argentina Standard Time|America/Buenos_Aires|America/Argentina/La_Rioja America/Argentina/Rio_Gallegos America/Argentina/Salta America/Argentina/San_Juan America/Argentina/San_Luis America/Argentina/Tucuman America/Argentina/Ushuaia America/Catamarca America/Cordoba America/Jujuy America/Mendoza
        Greenland Standard Time|America/Godthab|
        Montevideo Standard Time|America/Montevideo|
        Magallanes Standard Time|America/Punta_Arenas|
        Saint Pierre Standard Time|America/Miquelon|
        Bahia Standard Time|America/Bahia|
        UTC-02|Etc/GMT+2|America/Noronha Atlantic/South_Georgia
        Azores Standard Time|Atlantic/Azores|America/Scoresbysund
        Cape Verde Standard Time|Atlantic/Cape_Verde|Etc/GMT+1
        UTC|Etc/UTC|Etc/GMT
        GMT Standard Time|Europe/London|Atlantic/Canary Atlantic/Faeroe Europe/Guernsey Europe/Dublin Europe/Isle_of_Man Europe/Jersey Europe/Lisbon Atlantic/Madeira
        Greenwich Standard Time|Atlantic/Reykjavik|Africa/Ouagadougou Africa/Abidjan Africa/Accra America/Danmarkshavn Africa/Banjul Africa/Conakry Africa/Bissau Africa/Monrovia Africa/Bamako Africa/Nouakchott Atlantic/St_Helena Africa/Freetown Africa/Dakar Africa/Lome
        Sao Tome Standard Time|Africa/Sao_Tome|
        Morocco Standard Time|Africa/Casablanca|Africa/El_Aaiun
        W. Europe Standard Time|Europe/Berlin|Europe/Andorra Europe/Vienna Europe/Zurich Europe/Busingen Europe/Gibraltar Europe/Rome Europe/Vaduz Europe/Luxembourg Europe/Monaco Europe/Malta Europe/Amsterdam Europe/Oslo Europe/Stockholm Arctic/Longyearbyen Europe/San_Marino Europe/Vatican
        Central Europe Standard Time|Europe/Budapest|Europe/Tirane Europe/Prague Europe/Podgorica Europe/Belgrade Europe/Ljubljana Europe/Bratislava
        Romance Standard Time|Europe/Paris|Europe/Brussels Europe/Copenhagen Europe/Madrid Africa/Ceuta
        Central European Standard Time|Europe/Warsaw|Europe/Sarajevo Europe/Zagreb Europe/Skopje
        W. Central Africa Standard Time|Africa/Lagos|Africa/Luanda Africa/Porto-Novo Africa/Kinshasa Africa/Bangui Africa/Brazzaville Africa/Douala Africa/Algiers Africa/Libreville Africa/Malabo Africa/Niamey Africa/Ndjamena Africa/Tunis Etc/GMT-1
        Jordan Standard Time|Asia/Amman|
        GTB Standard Time|Europe/Bucharest|Asia/Nicosia Asia/Famagusta Europe/Athens
        Middle East Standard Time|Asia/Beirut|
        Egypt Standard Time|Africa/Cairo|
        E. Europe Standard Time|Europe/Chisinau|
        Syria Standard Time|Asia/Damascus|
        West Bank Standard Time|Asia/Hebron|Asia/Gaza
        South Africa Standard Time|Africa/Johannesburg|Africa/Bujumbura Africa/Gaborone Africa/Lubumbashi Africa/Maseru Africa/Blantyre Africa/Maputo Africa/Kigali Africa/Mbabane Africa/Lusaka Africa/Harare Etc/GMT-2
        FLE Standard Time|Europe/Kiev|Europe/Mariehamn Europe/Sofia Europe/Tallinn Europe/Helsinki Europe/Vilnius Europe/Riga
        Israel Standard Time|Asia/Jerusalem|
        South Sudan Standard Time|Africa/Juba|
        Kaliningrad Standard Time|Europe/Kaliningrad|
        Sudan Standard Time|Africa/Khartoum|
        Libya Standard Time|Africa/Tripoli|
        Namibia Standard Time|Africa/Windhoek|
        Arabic Standard Time|Asia/Baghdad|
        Turkey Standard Time|Europe/Istanbul|
        Arab Standard Time|Asia/Riyadh|Asia/Bahrain Asia/Kuwait Asia/Qatar Asia/Aden
        Belarus Standard Time|Europe/Minsk|
        Russian Standard Time|Europe/Moscow|Europe/Kirov Europe/Simferopol
        E. Africa Standard Time|Africa/Nairobi|Antarctica/Syowa Africa/Djibouti Africa/Asmera Africa/Addis_Ababa Indian/Comoro Indian/Antananarivo Africa/Mogadishu Africa/Dar_es_Salaam Africa/Kampala Indian/Mayotte Etc/GMT-3
        Iran Standard Time|Asia/Tehran|
        Arabian Standard Time|Asia/Dubai|Asia/Muscat Etc/GMT-4
        Astrakhan Standard Time|Europe/Astrakhan|Europe/Ulyanovsk
        Azerbaijan Standard Time|Asia/Baku|
        Russia Time Zone 3|Europe/Samara|
        Mauritius Standard Time|Indian/Mauritius|Indian/Reunion Indian/Mahe
        Saratov Standard Time|Europe/Saratov|
        Georgian Standard Time|Asia/Tbilisi|
        Volgograd Standard Time|Europe/Volgograd|
        Caucasus Standard Time|Asia/Yerevan|
        Afghanistan Standard Time|Asia/Kabul|
        West Asia Standard Time|Asia/Tashkent|Antarctica/Mawson Asia/Oral Asia/Almaty Asia/Aqtau Asia/Aqtobe Asia/Atyrau Asia/Qostanay Indian/Maldives Indian/Kerguelen Asia/Dushanbe Asia/Ashgabat Asia/Samarkand Etc/GMT-5
        Ekaterinburg Standard Time|Asia/Yekaterinburg|
        Pakistan Standard Time|Asia/Karachi|
        Qyzylorda Standard Time|Asia/Qyzylorda|
        India Standard Time|Asia/Calcutta|
        Sri Lanka Standard Time|Asia/Colombo|
        Nepal Standard Time|Asia/Katmandu|
        Central Asia Standard Time|Asia/Bishkek|Antarctica/Vostok Asia/Urumqi Indian/Chagos Etc/GMT-6
        Bangladesh Standard Time|Asia/Dhaka|Asia/Thimphu
        Omsk Standard Time|Asia/Omsk|
        Myanmar Standard Time|Asia/Rangoon|Indian/Cocos
        SE Asia Standard Time|Asia/Bangkok|Antarctica/Davis Indian/Christmas Asia/Jakarta Asia/Pontianak Asia/Phnom_Penh Asia/Vientiane Asia/Saigon Etc/GMT-7
        Altai Standard Time|Asia/Barnaul|
        W. Mongolia Standard Time|Asia/Hovd|
        North Asia Standard Time|Asia/Krasnoyarsk|Asia/Novokuznetsk
        N. Central Asia Standard Time|Asia/Novosibirsk|
        Tomsk Standard Time|Asia/Tomsk|
        China Standard Time|Asia/Shanghai|Asia/Hong_Kong Asia/Macau
        North Asia East Standard Time|Asia/Irkutsk|
        Singapore Standard Time|Asia/Singapore|Asia/Brunei Asia/Makassar Asia/Kuala_Lumpur Asia/Kuching Asia/Manila Etc/GMT-8
        W. Australia Standard Time|Australia/Perth|
        Taipei Standard Time|Asia/Taipei|
        Ulaanbaatar Standard Time|Asia/Ulaanbaatar|Asia/Choibalsan
        Aus Central W. Standard Time|Australia/Eucla|
        Transbaikal Standard Time|Asia/Chita|
        Tokyo Standard Time|Asia/Tokyo|Asia/Jayapura Pacific/Palau Asia/Dili Etc/GMT-9
        North Korea Standard Time|Asia/Pyongyang|
        Korea Standard Time|Asia/Seoul|
        Yakutsk Standard Time|Asia/Yakutsk|Asia/Khandyga
        Cen. Australia Standard Time|Australia/Adelaide|Australia/Broken_Hill
        AUS Central Standard Time|Australia/Darwin|
        E. Australia Standard Time|Australia/Brisbane|Australia/Lindeman
        AUS Eastern Standard Time|Australia/Sydney|Australia/Melbourne
        West Pacific Standard Time|Pacific/Port_Moresby|Antarctica/DumontDUrville Pacific/Truk Pacific/Guam Pacific/Saipan Etc/GMT-10
        Tasmania Standard Time|Australia/Hobart|Antarctica/Macquarie
        Vladivostok Standard Time|Asia/Vladivostok|Asia/Ust-Nera
        Lord Howe Standard Time|Australia/Lord_Howe|
        Bougainville Standard Time|Pacific/Bougainville|
        Russia Time Zone 10|Asia/Srednekolymsk|
        Magadan Standard Time|Asia/Magadan|
        Norfolk Standard Time|Pacific/Norfolk|
        Sakhalin Standard Time|Asia/Sakhalin|
        Central Pacific Standard Time|Pacific/Guadalcanal|Antarctica/Casey Pacific/Ponape Pacific/Kosrae Pacific/Noumea Pacific/Efate Etc/GMT-11
        Russia Time Zone 11|Asia/Kamchatka|Asia/Anadyr
        New Zealand Standard Time|Pacific/Auckland|Antarctica/McMurdo
        UTC+12|Etc/GMT-12|Pacific/Tarawa Pacific/Majuro Pacific/Kwajalein Pacific/Nauru Pacific/Funafuti Pacific/Wake Pacific/Wallis
        Fiji Standard Time|Pacific/Fiji|
        Chatham Islands Standard Time|Pacific/Chatham|
        UTC+13|Etc/GMT-13|Pacific/Enderbury Pacific/Fakaofo
        Tonga Standard Time|Pacific/Tongatapu|
        Samoa Standard Time|Pacific/Apia|
        Line Islands Standard Time|Pacific/Kiritimati|Etc/GMT-14
        """
}
