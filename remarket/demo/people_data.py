"""Invented names and addresses for the demo; towns and postcodes are real, people and merchants are not.
E-mail addresses use the reserved example.com domain."""

# Refurbishers, by country; the demo takes them in turn across countries so that a small demo is varied.
MERCHANTS: dict[str, tuple[str, ...]] = {
    "FR": ("Seconde Vie Mobile", "ReNouveau Tech", "Atelier Phénix", "Reconditionné & Co", "Lumen Refurb",
           "Boréal Devices", "Cigale Électronique", "Éco-Tech Lyon", "Le Bon Reboot", "Nouvelle Lune Mobile",
           "Mistral Reprise", "Garonne Tech Services", "Atelier Loire Numérique", "Pixel & Pièces",
           "Ressource Informatique", "Vauban Refurb", "Ardoise Électronique", "Alizé Mobile"),
    "US": ("Second Act Electronics", "ReCircuit USA", "Hudson Refurb Works", "Golden Gate Devices",
           "Lone Star Renewed", "Great Lakes Tech Revival", "Evergreen Device Co", "Blue Ridge Refurbished",
           "Sunbelt Second Life"),
    "DE": ("Zweitakt Elektronik", "Wiederwert Technik", "Neuwert Geräte", "Rheinrefurb", "Kreislauf Geräte",
           "Elbe Tech Aufbereitung", "Fuchs & Sohn Elektronik"),
    "ES": ("Segunda Vida Tech", "Renueva Móvil", "Reciclatech Ibérica", "Faro Electrónica", "Sol y Circuito",
           "Bahía Reacondicionados"),
    "IT": ("Rinascita Digitale", "Seconda Mano Tech", "Nuovo Giro Elettronica", "Laguna Devices",
           "Officina Ricondiziona"),
    "GB": ("Second Spin Tech", "Thames Refurb Co", "Kestrel Devices", "Loop & Mend", "Northern Circuit Refurbishers"),
}
# Past the hand-written names (a demo at Back Market's 1,800 merchants), names are composed from these.
NAME_PARTS = (("Nova", "Orbit", "Cedar", "Harbor", "Summit", "Prism", "Atlas", "Vertex", "Willow", "Quartz",
               "Beacon", "Meridian", "Falcon", "Juniper", "Aurora", "Granite", "Coral", "Tidal", "Ember", "Pioneer"),
              ("Refurb", "Devices", "Renewed", "Electronics", "Tech", "Second Life", "Reboot", "Circuit", "Mobile",
               "Repair Lab"))
FIRST_PARTY = ("remarket", "FR")

FIRST_NAMES = {
    "FR": ("Camille", "Léa", "Manon", "Chloé", "Inès", "Lucas", "Hugo", "Louis", "Nathan", "Jules", "Emma", "Théo"),
    "US": ("Emily", "Madison", "Olivia", "Ava", "Sophia", "James", "Michael", "Ethan", "Noah", "Daniel", "Grace",
           "Tyler"),
    "DE": ("Lukas", "Leon", "Finn", "Jonas", "Paul", "Anna", "Lena", "Marie", "Sophie", "Hannah", "Felix", "Emilia"),
    "ES": ("Lucía", "Sofía", "Martina", "María", "Paula", "Hugo", "Mateo", "Pablo", "Álvaro", "Daniel", "Carmen",
           "Javier"),
    "IT": ("Giulia", "Sofia", "Aurora", "Alice", "Ginevra", "Leonardo", "Francesco", "Lorenzo", "Alessandro",
           "Matteo", "Chiara", "Marco"),
    "GB": ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Oliver", "George", "Harry", "Noah", "Jack", "Freya", "Oscar"),
}
LAST_NAMES = {
    "FR": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
           "Simon", "Laurent"),
    "US": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
           "Wilson", "Anderson"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
           "Koch", "Richter"),
    "ES": ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Martín", "Jiménez", "Ruiz"),
    "IT": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
           "Bruno", "Gallo"),
    "GB": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
           "Thompson", "Evans"),
}
# (town, postcode, state) — real towns with one of their real postcodes
TOWNS = {
    "FR": (("Paris", "75011", ""), ("Lyon", "69003", ""), ("Marseille", "13006", ""), ("Toulouse", "31000", ""),
           ("Nantes", "44000", ""), ("Bordeaux", "33000", ""), ("Lille", "59000", ""), ("Strasbourg", "67000", ""),
           ("Rennes", "35000", ""), ("Montpellier", "34000", "")),
    "US": (("New York", "10001", "NY"), ("Brooklyn", "11201", "NY"), ("Los Angeles", "90012", "CA"),
           ("Chicago", "60601", "IL"), ("Houston", "77002", "TX"), ("Seattle", "98101", "WA"),
           ("Boston", "02108", "MA"), ("Austin", "78701", "TX"), ("Miami", "33130", "FL")),
    "DE": (("Berlin", "10115", ""), ("Hamburg", "20095", ""), ("München", "80331", ""), ("Köln", "50667", ""),
           ("Frankfurt am Main", "60311", ""), ("Stuttgart", "70173", ""), ("Leipzig", "04109", "")),
    "ES": (("Madrid", "28013", ""), ("Barcelona", "08001", ""), ("Valencia", "46001", ""), ("Sevilla", "41001", ""),
           ("Zaragoza", "50001", ""), ("Málaga", "29001", ""), ("Bilbao", "48001", "")),
    "IT": (("Roma", "00184", ""), ("Milano", "20121", ""), ("Napoli", "80133", ""), ("Torino", "10121", ""),
           ("Bologna", "40121", ""), ("Firenze", "50122", ""), ("Palermo", "90133", "")),
    "GB": (("London", "EC1A 1BB", ""), ("Manchester", "M1 1AE", ""), ("Birmingham", "B1 1AA", ""),
           ("Leeds", "LS1 4AP", ""), ("Glasgow", "G1 1XQ", ""), ("Bristol", "BS1 4DJ", ""),
           ("Edinburgh", "EH1 1YZ", "")),
}
STREETS = {
    "FR": ("rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo", "rue Pasteur", "place de la Gare"),
    "US": ("Broadway", "Main Street", "Park Avenue", "Oak Street", "Maple Avenue"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Lindenallee"),
    "ES": ("Calle Mayor", "Gran Vía", "Calle de Alcalá", "Avenida de la Constitución", "Calle Real"),
    "IT": ("Via Roma", "Corso Italia", "Via Garibaldi", "Via Mazzini", "Piazza del Popolo"),
    "GB": ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Road"),
}
# E.164 prefix and how many random digits follow, per market: mobile ranges that `phonenumbers` accepts.
PHONES = {"FR": ("+3361", 7), "US": ("+1212555", 4), "DE": ("+49151", 8), "ES": ("+346", 8), "IT": ("+39347", 7),
          "GB": ("+447400", 6)}
CARRIERS = {"FR": ("Colissimo", "Chronopost", "DPD", "UPS"), "US": ("UPS", "FedEx", "USPS"),
            "DE": ("DHL", "DPD", "Hermes"), "ES": ("Correos", "SEUR", "DHL"), "IT": ("Poste Italiane", "BRT", "DHL"),
            "GB": ("Royal Mail", "DPD", "Evri")}
STORE_CARRIER = "In store"  # a counter sale is handed over at once; its "shipment" records that
PARTNER = ("Ondaline", 500)  # an invented French telecom retail chain, and its commission in basis points
