"""Value pools for the generated evaluation set: fictional people, numbers and places.

Written separately from the detector's namelists on purpose. Many names here are also in those lists
(as real-world names would be), but each tradition has names the lists do not hold, so the context and
capitalization layers are measured too; generate.py prints the held-out share.
"""

GIVEN = {
    "spanish": "María Guadalupe Yareli Anahí Xochitl Maite Nohemí Itzel Brenda Wendy Karla Rosa Dulce "
               "Yesenia Maricruz Eleazar Jacobo Wilmer Selvin Brayan Eduardo Santos Fermín Heber Yoselin "
               "Lesly Dayana Kimberly Marleni Ixchel Juana Abigail Ninfa Evelin",
    "portuguese": "Thalita Josiane Edivaldo Luana Jéssica Ketlyn Raimunda Francisca Cleiton Gilvan Tainá",
    "vietnamese": "Lan Mai Linh Khuyen Tuyen Hanh Phuong Diem Thao Ngoc Quynh Trinh Kieu Loan Hieu Tuan",
    "chinese": "Xiaoyan Guohua Shufen Meiling Jing Xiuying Lihua Yanmei Chunhua Fang Wei",
    "japanese": "Chinatsu Fumiko Tsubasa Yuki Aiko Haruka",
    "yoruba": "Oreoluwa Ayotunde Mojisola Bisola Folake Yetunde Damilola Omotola Ibukunoluwa Adeola",
    "igbo": "Chukwudi Nnenna Ebere Adaeze Chioma Ngozi Ifeoma Obiageli Chinenye Amaka Ogechukwu",
    "hausa": "Habiba Danladi Hauwa Zainab Rabi Ladi",
    "edo": "Osarugue Itohan Efosa Osaretin Omoruyi Ivie",
    "akan": "Owusuaa Nyarkoa Akosua Abena Adwoa Kwabena Efua Ama Afia Yaa Kofi",
    "ewe": "Senyo Makafui Dzidzor Elinam Esinam Kafui Mawuli",
    "indian": "Lalitha Bhagyashree Ramprasad Sunita Priya Lakshmi Kavitha Anjali Meenakshi Sarita",
    "romanian": "Cosmina Gigel Florentina Ionela Mădălina Andreea Viorica Ilinca",
    "polish": "Wiesława Bogumiła Agnieszka Katarzyna Grażyna Zdzisław",
    "indonesian": "Suparmi Wagiman Sri Dewi Nurhayati Kartini Sumiati",
    "filipino": "Marites Analyn Jovelyn Rhodora Leonila Maricel",
    "english": "Brayden Kinsley Jasmine Destiny Kayla Tamika Amber Crystal Shanice Brianna Kaylee Madison",
    # Names that are also English words: the detector must use context, not the dictionary.
    "word-names": "Grace Hope Precious Blessing Patience Mercy Joy Faith Comfort Gift Will Rose",
}

SURNAMES = {
    "spanish": "Hernández López Xol Tzul Ajú Chávez Ramírez Gutiérrez Pérez Cruz Morales Castillo Bautista "
               "Tepoz Iboy Quej Menchú Argueta Alvarado Reyes Escobar Granados Orellana",
    "portuguese": "Nascimento Silva Souza Cavalcanti Bezerra Rodrigues Freitas",
    "vietnamese": "Nguyen Tran Pham Le Vo Huynh Dang Bui Truong",
    "chinese": "Zhang Wang Chen Lin Zheng Weng Xie",
    "japanese": "Takeda Morikawa Tanaka Sato",
    "yoruba": "Adeyinka Ogunleye Oyelaran Fashola Adesanya Olaniyan Babalola",
    "igbo": "Okonkwo Nwosu Eze Obi Anozie Ezeani Okafor Udeh",
    "hausa": "Abdullahi Garba Yusuf Dikko",
    "edo": "Osagie Igbinedion Omoregie Ehigiator Aigbokhan Eweka",
    "akan": "Mensah Asante Boateng Owusu Ofori Amponsah Agyapong Nyantakyi",
    "ewe": "Agbeko Kpodo Dzakpasu Gbeho Tsikata",
    "indian": "Sharma Reddy Nair Chaudhary Pillai Venkataraman",
    "romanian": "Popescu Ionescu Dumitrache Ciobanu Zamfir",
    "polish": "Kowalczyk Wiśniewska Grzybowski Sobczak",
    "indonesian": "Suryani Wibisono Pardede",
    "filipino": "Dimaculangan Macapagal Manalo",
    "english": "Miller Whitaker Haskins Pruitt Brandt Kessler Tolliver",
}
OFFICER_SURNAMES = "Mensah Brandt Kowalczyk Delgado Okafor Haskins Reyes Tolliver Nguyen Lindqvist Ortega Pruitt"

SMALL_TOWNS = ("Immokalee", "Dalton", "Lumpkin", "Dilley", "Hatch", "Kennett", "Wilder", "Cuthbert",
               "Plant City", "Ruskin", "Pharr", "Mathis", "Hereford", "Mount Olive", "Tifton")
CITIES = ("Houston", "Atlanta", "Miami", "Dallas", "Los Angeles", "Chicago", "Newark", "Phoenix", "Lagos",
          "Accra", "Bucharest", "Hanoi", "Mexico City", "Guadalajara", "Tegucigalpa", "Mumbai", "Manila")
COUNTRIES = ("Honduras", "Guatemala", "El Salvador", "Mexico", "Nigeria", "Ghana", "Vietnam", "China",
             "Romania", "Poland", "India", "Indonesia", "the Philippines", "Brazil", "Togo")
VENUES = ("Sunset Motel", "Lucky Nails salon", "Golden Dragon restaurant", "El Rancho bar", "Palm Court Apartments",
          "Starlight Motel", "Royal Massage spa", "La Fiesta cantina", "Sunrise Farms", "Happy Feet Spa",
          "Blue Lagoon Club", "Riverbend Ranch", "Casa Esperanza", "Jade Garden Buffet", "Mi Tierra Market",
          "Paradise Inn", "Oak Hollow Trailer Park", "Kim's Beauty Salon", "Shell Creek Farms", "Tropicana Lounge")
STREETS = ("Main St", "Bissonnet Street", "Harwin Drive", "Bell Road", "Buford Highway", "Martin Luther King Jr. Blvd",
           "Airline Drive", "Long Point Road", "Hillcroft Ave", "Westheimer Road", "Pine Street", "Elm Avenue",
           "Adeola Odeku Street", "Allen Avenue", "Oak Lane", "Maple Court", "Gessner Rd", "Kirkwood Ave")
LATAM = ("Calle 5 de Mayo #{n}", "Av. Insurgentes Sur {n}", "Rua Augusta {n}", "Carrera 7 # {a}-{b}",
         "Calle Hidalgo {n}", "Avenida Juárez #{n}", "Rua das Flores {n}", "Calzada de Tlalpan {n}",
         "Colonia Roma", "Colonia Santa Fe", "Barrio La Ceiba", "Bairro Jardim Paulista", "Aldea San Pedro Ayampuc")
PLATFORM_SITES = ("megapersonals.eu/ad/", "skipthegames.com/post/", "listcrawler.com/listing/",
                  "example-escorts.net/profile/", "backpage-clone.xyz/ads/")
